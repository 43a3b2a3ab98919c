# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whole flows in the books of a Chilean company (issue 12), on Odoo's own
``l10n_cl`` (chart, IVA 19%, SII document types), every document checked
against the ledger and the client credits against it after every step:

1. an hour bag sold, invoiced (factura 33) and paid, cancelled after the
   start (support §10): the unused part becomes a credit, an open nota de
   crédito 61 of the bag's factura; the client buys a new bag with it: the
   new factura bills the bag at its price and the nota pays 260.000 of it,
   the client pays the rest;
2. an agency web project cancelled at 60% (agency §4): the work beyond the
   deposit is invoiced.

Runs under pytest-odoo against the l10n_cl database of ``scripts/test``
(``<db>_cl``, with asesorateya_support_l10n_cl): ``scripts/test`` runs this
file there, and leaves it out of the run on the demo database.
(A year of retainers through the cron on l10n_cl, a client without RUT in
the same run, is asesorateya_support_l10n_cl's ``test_flow_year``.)
"""

from datetime import date
from unittest import SkipTest

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests.common import (
    CreditBooksMixin,
    SupportCommon,
)

try:
    from odoo.addons.asesorateya_support_l10n_cl.tests.common import (
        ChileanChartMixin,
    )
except ImportError:  # the bridge is not on the addons path
    ChileanChartMixin = object


@tagged("post_install", "-at_install")
class TestFlowBooksChile(ChileanChartMixin, CreditBooksMixin, SupportCommon):
    with_accounting = True

    @classmethod
    def setUpClass(cls):
        installed = cls_module_installed("asesorateya_support_l10n_cl")
        if not installed:
            raise SkipTest("asesorateya_support_l10n_cl is not installed here")
        super().setUpClass()

    # ------------------------------------------------------------------
    # The ledger
    # ------------------------------------------------------------------
    def _receivable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def assertDocument(self, move, code, total):
        """``move`` is a posted SII document ``code`` of ``total`` (IVA
        included) whose ledger lines say the same: balanced, the client's
        receivable is the total, one IVA line of the total less its net, the
        net rounded once from the total (README "Books", one rounding rule)."""
        self.assertEqual(move.state, "posted", move.name)
        self.assertEqual(move.l10n_latam_document_type_id.code, code, move.name)
        self.assertEqual(move.amount_total, total, move.name)
        net = round(total / 1.19)
        self.assertEqual((move.amount_untaxed, move.amount_tax), (net, total - net))
        lines = move.line_ids
        self.assertEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))
        sign = -1 if move.move_type == "out_refund" else 1
        self.assertEqual(sum(self._receivable(move).mapped("balance")), sign * total)
        taxes = lines.filtered("tax_line_id")
        self.assertEqual(-sign * sum(taxes.mapped("balance")), total - net)
        products = lines.filtered(lambda line: line.display_type == "product")
        self.assertEqual(-sign * sum(products.mapped("balance")), net)

    def _partner_balance(self, partner):
        """What the client owes the company (negative: what it is owed),
        from the posted receivable items."""
        items = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        return sum(items.mapped("balance"))

    def _pay(self, invoice, amount=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount} if amount else {})
        )
        wizard.action_create_payments()

    def _invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    # ------------------------------------------------------------------
    def test_bag_cancelled_after_start_credit_spent_on_a_new_bag(self):
        client = self.client_a
        with freeze_time("2026-03-02 12:00:00"):
            bag = self._sell(self.plan_bag, client, date="2026-03-02")
            invoice = self._invoice(bag.sale_order_id)
            self.assertDocument(invoice, "33", 400000)
            self._pay(invoice)
            self.assertEqual(invoice.payment_state, "paid")
            self.assertEqual(self._partner_balance(client), 0)
            self.assertCreditsInBooks(client, owed=0)
        with freeze_time("2026-03-20 12:00:00"):
            self._log(bag, 3.5, date="2026-03-20")
        with freeze_time("2026-04-10 12:00:00"):
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                reason="The client closes the project"
            )
        cancellation = cancellation.with_env(self.env)
        self.assertEqual(
            (cancellation.decision, cancellation.credit_amount), ("credit", 260000)
        )
        credit = cancellation.credit_id
        note = credit.move_id
        self.assertDocument(note, "61", 260000)
        self.assertEqual(note.reversed_entry_id, invoice)
        self.assertEqual(note.amount_residual, 260000, "open: the money stays")
        self.assertEqual(invoice.payment_state, "paid", "the sale stays paid")
        self.assertEqual(self._partner_balance(client), -260000, "owed to it")
        self.assertCreditsInBooks(client, owed=260000)

        with freeze_time("2026-04-15 12:00:00"):
            order = self._create_order(self.plan_bag, client)
            self.assertEqual(order.support_credit_amount, 260000)
            order.with_user(self.user_salesman).action_apply_support_credits()
            order = order.with_env(self.env)
            self.assertEqual(order.amount_total, 140000, "400.000 less 260.000")
            self.assertCreditsInBooks(client, owed=260000)
            order.action_confirm()
            self.assertCreditsInBooks(client, owed=260000)
            new_invoice = self._invoice(order)
        self.assertDocument(new_invoice, "33", 400000)
        self.assertEqual(len(new_invoice.invoice_line_ids), 1, "no credit line")
        self.assertEqual(new_invoice.amount_residual, 140000, "paid 260.000")
        self.assertEqual(note.amount_residual, 0)
        self.assertEqual(credit.usage_ids.invoice_id, new_invoice)
        self.assertEqual((credit.amount_remaining, credit.state), (0, "used"))
        self.assertEqual(self._partner_balance(client), 140000)
        self.assertCreditsInBooks(client, owed=0)
        with freeze_time("2026-04-16 12:00:00"):
            self._pay(new_invoice)
        self.assertEqual(new_invoice.payment_state, "paid")
        self.assertEqual(self._partner_balance(client), 0)
        self.assertCreditsInBooks(client, owed=0)
        # The IVA débito of the period: the two sales less the nota.
        self.assertEqual(
            invoice.amount_tax + new_invoice.amount_tax - note.amount_tax,
            63866 + 63866 - 41513,
        )
        # Nothing left to expire: the cron posts no entry.
        with freeze_time("2026-10-11 12:00:00"):
            self.env["support.credit"]._cron_expire_credits()
        self.assertFalse(credit.expiry_move_id)
        self.assertCreditsInBooks(client, owed=0)

    def test_agency_project_cancelled_at_60_percent(self):
        client = self.client_a
        agency = self.env.ref("asesorateya_support.support_policy_agency")
        plan = self._create_plan("Web project", "project", 2000000, policy_id=agency.id)
        project = self._sell(plan, client, date="2026-02-02", scope=False)
        self.assertEqual((project.amount_paid, project.amount_deposit), (1000000,) * 2)
        project.write(
            {
                "project_item_ids": [
                    Command.create({"name": "Design", "weight": 30}),
                    Command.create({"name": "Development", "weight": 50}),
                    Command.create({"name": "Content", "weight": 20}),
                ]
            }
        )
        with freeze_time("2026-02-05 12:00:00"):
            project.action_start("2026-02-05")
        design, development, _content = project.project_item_ids
        with freeze_time("2026-03-10 12:00:00"):
            design.progress = 100
            development.progress = 60
        self.assertEqual(project.project_progress, 60)
        with freeze_time("2026-03-15 12:00:00"):
            quote = project.cancellation_quote(date(2026, 3, 15))
            self.assertEqual(
                (
                    quote["work_done_amount"],
                    quote["refundable_amount"],
                    quote["extra_invoice_amount"],
                ),
                (1200000, 0, 200000),
            )
            cancellation = project.with_user(
                self.user_consultant
            ).action_cancel_by_policy(reason="The client closes its online shop")
        cancellation = cancellation.with_env(self.env)
        extra = cancellation.extra_move_id
        self.assertDocument(extra, "33", 200000)
        self.assertFalse(cancellation.credit_id or cancellation.refund_move_id)
        self.assertIn(project.sale_order_id, extra.line_ids.sale_line_ids.order_id)
        self.assertEqual(project.state, "cancelled")
        self.assertCreditsInBooks(client, owed=0)


def cls_module_installed(name):
    """Whether module ``name`` is installed in the database under test."""
    import odoo

    with odoo.registry(odoo.tools.config["db_name"]).cursor() as cr:
        cr.execute(
            "SELECT 1 FROM ir_module_module WHERE name = %s AND state = 'installed'",
            [name],
        )
        return bool(cr.fetchone())
