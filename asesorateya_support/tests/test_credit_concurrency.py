# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import threading
from contextlib import closing
from datetime import date

from psycopg2.errors import LockNotAvailable, SerializationFailure

import odoo
from odoo import Command
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

POLICY_V1 = "asesorateya_support.support_policy_support_v1"


@tagged("post_install", "-at_install")
class TestSupportCreditConcurrency(BaseCase):
    """One credit applied by two orders at once is spent once.

    These tests need transactions that see each other's commits, so unlike
    the other tests they commit their data (in the database's main company)
    through their own cursors, and remove it afterwards with SQL (credits and
    their uses are never deleted by the application).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            currency = company.currency_id
            tax_group = env["account.tax.group"].create(
                {"name": "Credit concurrency", "company_id": company.id}
            )
            tax = env["account.tax"].create(
                {
                    "name": "Credit concurrency 19% (included)",
                    "amount": 19.0,
                    "price_include": True,
                    "type_tax_use": "sale",
                    "company_id": company.id,
                    "tax_group_id": tax_group.id,
                }
            )
            product = env["product.product"].create(
                {
                    "name": "Credit concurrency diagnosis",
                    "type": "service",
                    "list_price": 300.0,
                    "taxes_id": [Command.set(tax.ids)],
                    "company_id": company.id,
                }
            )
            plan = env["support.plan"].create(
                {
                    "name": "Credit concurrency diagnosis",
                    "kind": "diagnosis",
                    "product_id": product.id,
                    "hours_included": 1.0,
                    "company_id": company.id,
                }
            )
            pricelist = env["product.pricelist"].create(
                {
                    "name": "Credit concurrency",
                    "currency_id": currency.id,
                    "company_id": company.id,
                }
            )
            partner = env["res.partner"].create(
                {"name": "Credit concurrency client", "is_company": True}
            )
            credit = env["support.credit"]._issue(
                partner,
                100.0,
                "cancellation",
                date.today(),
                env.ref(POLICY_V1),
                company_id=company.id,
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "pricelist_id": pricelist.id,
                        "order_line": [Command.create({"product_id": product.id})],
                    }
                    for _index in range(2)
                ]
            )
            self.data = {
                "tax_group": tax_group.id,
                "tax": tax.id,
                "product": product.id,
                "plan": plan.id,
                "pricelist": pricelist.id,
                "partner": partner.id,
                "credit": credit.id,
                "orders": orders.ids,
            }
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            data = self.data
            env["sale.order"].browse(data["orders"]).unlink()
            cr.execute(
                "DELETE FROM support_credit_usage WHERE credit_id = %s",
                [data["credit"]],
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'support.credit' "
                "AND res_id = %(id)s; "
                "DELETE FROM mail_message WHERE model = 'support.credit' "
                "AND res_id = %(id)s; "
                "DELETE FROM support_credit WHERE id = %(id)s",
                {"id": data["credit"]},
            )
            env.invalidate_all()
            env["support.plan"].browse(data["plan"]).unlink()
            env["product.product"].browse(data["product"]).product_tmpl_id.unlink()
            env["product.pricelist"].browse(data["pricelist"]).unlink()
            env["account.tax"].browse(data["tax"]).unlink()
            env["account.tax.group"].browse(data["tax_group"]).unlink()
            env["res.partner"].browse(data["partner"]).unlink()

    def _env(self, cr):
        return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})

    def _apply(self, cr, index):
        order = self._env(cr)["sale.order"].browse(self.data["orders"][index])
        order.action_apply_support_credits()
        order.env.flush_all()
        return order

    def _check_spent_once(self):
        """In a fresh transaction: one use of 100 counts, and one order has it."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            credit = env["support.credit"].browse(self.data["credit"])
            self.assertEqual(credit.amount_remaining, 0.0)
            self.assertEqual(credit.state, "used")
            self.assertEqual(len(credit.usage_ids), 1)
            self.assertEqual(credit.usage_ids.amount, 100.0)
            orders = env["sale.order"].browse(self.data["orders"])
            self.assertEqual(sorted(orders.mapped("amount_total")), [200.0, 300.0])
            return credit.usage_ids.sale_order_id

    def test_locked_credit_not_spent_twice(self):
        """The second order finds the credit locked, and once retried, spent."""
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            first = self._apply(cr1, 0)
            self.assertEqual(first.amount_total, 200.0)
            # The first transaction holds the lock: the second fails at once,
            # which Odoo's HTTP layer retries.
            with self.assertRaises(LockNotAvailable):
                self._apply(cr2, 1)
            cr2.rollback()
        # cr1 committed on leaving the block; the retry sees the credit spent.
        with self.registry.cursor() as cr2, self.assertRaises(UserError):
            self._apply(cr2, 1)
        self.assertEqual(self._check_spent_once().id, self.data["orders"][0])

    def test_stale_snapshot_not_spent_twice(self):
        """A transaction that read the balance before the other committed fails
        to lock it, instead of spending it again."""
        with closing(self.registry.cursor()) as cr2:
            env2 = self._env(cr2)
            credit = env2["support.credit"].browse(self.data["credit"])
            self.assertEqual(credit.amount_remaining, 100.0, "its snapshot")
            with self.registry.cursor() as cr1:
                self._apply(cr1, 0)
            with self.assertRaises(SerializationFailure):
                self._apply(cr2, 1)
            cr2.rollback()
        self.assertEqual(self._check_spent_once().id, self.data["orders"][0])

    @mute_logger("odoo.service.model")
    def test_two_requests_at_once(self):
        """Two requests apply the credit at the same moment, each retried as
        Odoo's HTTP layer does: exactly one gets it."""
        barrier = threading.Barrier(2, timeout=10)
        outcomes, attempts = {}, {}

        def request(index):
            with self.registry.cursor() as cr:
                env = self._env(cr)
                order = env["sale.order"].browse(self.data["orders"][index])
                tries = []

                def apply():
                    tries.append(1)
                    # Both transactions take their snapshot, then go together.
                    order.read(["amount_total"])
                    if len(tries) == 1:
                        barrier.wait()
                    return order.action_apply_support_credits()

                try:
                    outcomes[index] = retrying(apply, env)
                except UserError as error:
                    cr.rollback()
                    outcomes[index] = error
                attempts[index] = len(tries)

        threads = [threading.Thread(target=request, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(len(outcomes), 2, outcomes)
        winners = [index for index, result in outcomes.items() if result is True]
        self.assertEqual(len(winners), 1, outcomes)
        loser = 1 - winners[0]
        self.assertIsInstance(outcomes[loser], UserError)
        self.assertEqual(attempts[winners[0]], 1, attempts)
        self.assertGreater(attempts[loser], 1, "the loser failed, then was retried")
        self.assertEqual(self._check_spent_once().id, self.data["orders"][winners[0]])
