# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SupportCommon

POLICY_V1 = "asesorateya_support.support_policy_support_v1"
CREDIT_PRODUCT = "asesorateya_support.product_product_client_credit"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestSupportCredit(SupportCommon):
    """Client credits: issue, conversion, use on later orders, release,
    expiry and who sees them (policy §5, §10)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.version = cls.env.ref(POLICY_V1)
        cls.credit_product = cls.env.ref(CREDIT_PRODUCT)

    def _issue(self, amount, on="2026-03-02", partner=None):
        """A credit of ``amount`` issued on ``on`` (policy v1: 6 months)."""
        return self.env["support.credit"]._issue(
            partner or self.client_a,
            amount,
            "cancellation",
            date.fromisoformat(on),
            self.version,
            company_id=self.company.id,
        )

    def _apply(self, order):
        """Apply the client's credits to ``order`` as the salesman."""
        order.with_user(self.user_salesman).action_apply_support_credits()
        return order.with_env(self.env)

    def _credit_lines(self, order):
        return order.order_line.filtered(
            lambda line: line.product_id == self.credit_product
        )

    # ------------------------------------------------------------------
    # Issue and conversion
    # ------------------------------------------------------------------
    def test_expiry_clamped_to_end_of_february(self):
        """A credit of 2026-08-31 valid 6 months expires on 2027-02-28."""
        credit = self._issue(50000, on="2026-08-31")
        self.assertEqual(credit.date_expiry, date(2027, 2, 28))
        self.assertEqual(credit.date_reminder, date(2027, 2, 13), "15 days before")
        self.assertEqual(credit.amount_remaining, 50000)
        self.assertEqual(credit.state, "available")
        self.assertEqual(credit.partner_id, self.client_a)

    def test_example_6_diagnosis_converted_then_bag_bought(self):
        """Policy example 6: a diagnosis of 60.000 whose case exceeds its
        scope becomes a credit of 60.000; the 10 h bag of 400.000 bought
        afterwards costs 340.000."""
        diagnosis = self._sell(self.plan_diagnosis, date="2026-02-27")
        self._log(diagnosis, 1.0, date=date(2026, 3, 2))
        self.assertEqual(diagnosis.state, "done", "its single session was held")
        self.assertEqual(diagnosis.amount_paid, 60000)

        wizard = Form(
            self.env["support.contract.convert"]
            .with_user(self.user_consultant)
            .with_context(default_contract_id=diagnosis.id)
        )
        wizard.reason = "The invoicing case needs a data migration"
        wizard.save().action_confirm()
        credit = diagnosis.credit_ids
        self.assertEqual(len(credit), 1)
        self.assertRecordValues(
            credit,
            [
                {
                    "origin": "conversion",
                    "partner_id": self.client_a.id,
                    "amount": 60000,
                    "amount_remaining": 60000,
                    "date_issue": date(2026, 3, 2),
                    # Policy §5 sets no expiry; the §10 months are for a
                    # cancellation's credit (issue 13, item 7).
                    "date_expiry": False,
                    "state": "available",
                    "reason": "The invoicing case needs a data migration",
                }
            ],
        )
        told = diagnosis.message_ids.filtered(
            lambda m: credit.name in (m.body or "") and self.client_a in m.partner_ids
        )
        self.assertEqual(len(told), 1, "the client is told")
        self.assertIn("§5", told.body)
        with self.assertRaisesText(UserError, "already converted"):
            diagnosis.with_user(self.user_consultant).action_convert_to_credit("Again")

        order = self._create_order(self.plan_bag, partner=self.contact_a)
        self.assertEqual(order.support_credit_count, 1)
        self.assertEqual(order.support_credit_amount, 60000)
        order = self._apply(order)
        self.assertEqual(order.amount_total, 340000)
        line = self._credit_lines(order)
        self.assertEqual(line.price_total, -60000)
        self.assertEqual(line.tax_id, self.tax_iva, "the bag's taxes")
        self.assertFalse(self.credit_product.taxes_id, "none of its own")
        self.assertFalse(self.credit_product.sale_ok)
        self.assertRecordValues(credit, [{"amount_remaining": 0, "state": "used"}])
        self.assertRecordValues(
            credit.usage_ids,
            [{"amount": 60000, "sale_order_id": order.id, "sale_line_id": line.id}],
        )
        self.assertEqual(order.support_credit_count, 0)
        with self.assertRaisesText(UserError, "no client credit to apply"):
            self._apply(order)
        order.action_confirm()
        bag = order.support_contract_ids
        self.assertEqual(bag.amount_paid, 400000, "the bag is worth its price")
        self.assertEqual(order.amount_total, 340000)
        self.assertEqual(credit.usage_ids.state, "active")

    def test_conversion_refused(self):
        bag = self._sell(self.plan_bag, date="2026-03-01")
        self._log(bag, 1.0)
        with self.assertRaisesText(UserError, "Only a diagnosis or an incident"):
            bag.action_convert_to_credit("Too big")
        incident = self._sell(self.plan_incident, date="2026-03-01")
        with self.assertRaisesText(UserError, "while it is Confirmed"):
            incident.action_convert_to_credit("Too big")
        self._log(incident, 1.0)
        with self.assertRaisesText(UserError, "a reason is required"):
            incident.action_convert_to_credit("  ")
        credit = incident.action_convert_to_credit("Too big.")
        self.assertEqual(credit.amount, 60000)
        self.assertEqual(credit.origin, "conversion")
        self.assertEqual(incident.state, "done")

    # ------------------------------------------------------------------
    # Use on a later order
    # ------------------------------------------------------------------
    def test_usable_on_expiry_day_not_after(self):
        credit = self._issue(60000, on="2026-01-10")
        self.assertEqual(credit.date_expiry, date(2026, 7, 10))
        with freeze_time("2026-07-11 12:00:00"):
            late = self._create_order(self.plan_diagnosis)
            self.assertEqual(late.support_credit_count, 0)
            with self.assertRaisesText(UserError, "none is available and valid"):
                self._apply(late)
        with freeze_time("2026-07-10 12:00:00"):
            order = self._apply(self._create_order(self.plan_diagnosis))
        self.assertEqual(order.amount_total, 0)
        self.assertEqual(credit.usage_ids.date, date(2026, 7, 10))
        self.assertEqual(credit.state, "used")

    def test_oldest_expiry_first_never_below_zero(self):
        later = self._issue(300000, on="2026-03-02")
        sooner = self._issue(200000, on="2026-02-01")
        other_client = self._issue(90000, partner=self.client_b)
        order = self._apply(self._create_order(self.plan_bag))
        self.assertEqual(order.amount_total, 0, "never below zero")
        lines = self._credit_lines(order)
        self.assertEqual(lines.mapped("price_total"), [-200000, -200000])
        self.assertRecordValues(
            sooner + later,
            [
                {"amount_remaining": 0, "state": "used"},
                {"amount_remaining": 100000, "state": "available"},
            ],
        )
        self.assertFalse(other_client.usage_ids, "another client's credit")
        self.assertEqual(lines[0].support_credit_usage_ids.credit_id, sooner)
        self.assertGreater(lines[0].sequence, order.order_line[0].sequence)
        self.assertEqual(order.support_credit_count, 0, "both already applied")
        with self.assertRaisesText(UserError, "no client credit to apply"):
            self._apply(order)
        # Another order takes what is left, no more.
        order = self._apply(self._create_order(self.plan_bag))
        self.assertEqual(order.amount_total, 300000)
        self.assertRecordValues(later, [{"amount_remaining": 0, "state": "used"}])
        # The database refuses a use beyond the balance, whoever tries it.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["support.credit.usage"].sudo().create(
                {"credit_id": later.id, "amount": 1, "date": date(2026, 3, 2)}
            )
            self.env.flush_all()

    def test_salesman_without_email_applies_a_credit(self):
        """The notes of the application are signed with the company's
        support email when the salesman has none of his own."""
        self.company.support_contact_email = "soporte@asesorateya.test"
        self.user_salesman.partner_id.email = False
        credit = self._issue(100000)
        order = self._apply(self._create_order(self.plan_diagnosis))
        self.assertEqual(order.amount_total, 0)
        for record in (order, credit):
            note = record.message_ids.filtered(
                lambda m: (
                    m.author_id == self.user_salesman.partner_id
                    and ("used on" in m.body or "credits applied" in m.body)
                )
            )
            self.assertEqual(len(note), 1)
            self.assertIn("soporte@asesorateya.test", note.email_from)

    def test_zero_total_and_locked_lines(self):
        self._issue(100000)
        self._issue(50000)
        order = self._apply(self._create_order(self.plan_diagnosis))
        self.assertEqual(order.amount_total, 0)
        self.assertEqual(order.support_credit_count, 1, "the second is not needed")
        with self.assertRaisesText(UserError, "already zero"):
            self._apply(order)
        line = self._credit_lines(order)
        with self.assertRaisesText(UserError, "worth what the credit gives"):
            line.with_user(self.user_salesman).price_unit = -1000
        order.action_update_prices()
        self.assertEqual(line.price_unit, -60000, "the pricelist leaves it alone")
        order.action_update_taxes()
        self.assertEqual(line.tax_id, self.tax_iva)
        copy = order.copy()
        self.assertFalse(self._credit_lines(copy), "a copy applies credits anew")
        self.assertEqual(copy.amount_total, 60000)
        self.assertEqual(copy.support_credit_count, 2)

    def test_taxes_not_included_still_spend_the_credit(self):
        """A credit is worth its amount IVA included, whatever the tax of the
        order: never refused for it."""
        self._issue(10000)
        excluded = self.tax_iva.copy(
            {"name": "IVA 19% (excluded)", "price_include": False}
        )
        order = self._create_order(self.plan_diagnosis)
        order.order_line.tax_id = excluded
        self.assertEqual(order.amount_total, 71400, "60.000 plus 19%")
        order = self._apply(order)
        line = self._credit_lines(order)
        self.assertEqual(line.tax_id, excluded, "the plan line's taxes")
        self.assertEqual(line.price_total, -10000)
        self.assertEqual(order.amount_total, 61400, "71.400 less 10.000")

    def test_partial_use_released_by_cancelling_the_order(self):
        credit = self._issue(500000)
        first = self._apply(self._create_order(self.plan_bag))
        second = self._apply(self._create_order(self.plan_diagnosis))
        self.assertRecordValues(credit, [{"amount_remaining": 40000}])
        first.with_user(self.user_salesman).action_cancel()
        self.assertRecordValues(
            credit, [{"amount_remaining": 440000, "state": "available"}]
        )
        released = credit.usage_ids.filtered(lambda u: u.sale_order_id == first)
        self.assertRecordValues(
            released,
            [
                {
                    "state": "released",
                    "amount": 400000,
                    "order_reference": first.name,
                    "date_released": date(2026, 3, 2),
                }
            ],
        )
        self.assertEqual(len(credit.usage_ids), 2, "the trail stays")
        self.assertEqual(second.support_credit_usage_ids.state, "active")
        with self.assertRaisesText(UserError, "never deleted"):
            released.unlink()
        with self.assertRaisesText(UserError, "never deleted"):
            credit.unlink()
        # Back to a quotation: the released line goes, the credit is applied anew.
        first.action_draft()
        self.assertFalse(self._credit_lines(first))
        self.assertEqual(first.amount_total, 400000)
        self._apply(first)
        self.assertEqual(first.amount_total, 0)
        self.assertRecordValues(credit, [{"amount_remaining": 40000}])
        self.assertEqual(len(credit.usage_ids), 3)

    def test_release_by_removing_the_line(self):
        credit = self._issue(60000, on="2026-01-10")
        order = self._apply(self._create_order(self.plan_bag))
        self.assertEqual(credit.state, "used")
        line = self._credit_lines(order)
        order.with_user(self.user_salesman).write(
            {"order_line": [Command.delete(line.id)]}
        )
        usage = credit.usage_ids
        self.assertRecordValues(
            usage, [{"state": "released", "sale_line_id": False, "amount": 60000}]
        )
        self.assertIn("removed", usage.release_reason)
        self.assertRecordValues(
            credit, [{"amount_remaining": 60000, "state": "available"}]
        )
        self._apply(order)
        self.assertEqual(credit.state, "used")
        # Released once the validity is over, the credit is expired.
        with freeze_time("2026-07-20 12:00:00"):
            order.action_cancel()
        self.assertRecordValues(
            credit, [{"amount_remaining": 60000, "state": "expired"}]
        )
        self.assertEqual(credit.usage_ids.mapped("state"), ["released", "released"])

    def test_release_by_deleting_the_quotation(self):
        credit = self._issue(60000, on="2026-01-10")
        order = self._apply(self._create_order(self.plan_bag))
        name = order.name
        order.unlink()
        self.env.flush_all()
        self.assertRecordValues(
            credit.usage_ids,
            [
                {
                    "state": "released",
                    "sale_order_id": False,
                    "sale_line_id": False,
                    "order_reference": name,
                }
            ],
        )
        self.assertRecordValues(
            credit, [{"amount_remaining": 60000, "state": "available"}]
        )

    def test_confirm_checks_credit_lines(self):
        order = self._create_order(
            self.plan_diagnosis,
            order_line=[
                Command.create({"product_id": self.plan_diagnosis.product_id.id}),
                Command.create(
                    {"product_id": self.credit_product.id, "price_unit": -10000}
                ),
            ],
        )
        with self.assertRaisesText(UserError, "no credit backs"):
            order.action_confirm()

    # ------------------------------------------------------------------
    # Expiry cron and access
    # ------------------------------------------------------------------
    def test_expiry_cron_idempotent(self):
        cron = self.env.ref("asesorateya_support.ir_cron_expire_credits")
        used = self._issue(60000, on="2026-01-10")
        unused = self._issue(60000, on="2026-01-10")
        with freeze_time("2026-07-10 12:00:00"):
            self._apply(self._create_order(self.plan_diagnosis))
            cron.method_direct_trigger()
        self.assertEqual(used.state, "used")
        self.assertEqual(unused.state, "available", "valid on its last day")
        with freeze_time("2026-07-11 06:00:00"):
            cron.method_direct_trigger()
            self.assertEqual(unused.state, "expired")
            self.assertEqual(used.state, "used", "nothing left to expire")
            notes = unused.message_ids.filtered(
                lambda m: "validity ended" in (m.body or "")
            )
            self.assertEqual(len(notes), 1)
            messages = (unused + used).message_ids
            cron.method_direct_trigger()
        self.assertEqual((unused + used).message_ids, messages, "nothing new")
        self.assertEqual(unused.amount_remaining, 60000, "the trail keeps it")
        with freeze_time("2026-07-11 06:00:00"):
            order = self._create_order(self.plan_diagnosis)
        self.assertEqual(order.support_credit_count, 0)

    def test_portal_sees_own_credits_only(self):
        credit_a = self._issue(60000)
        credit_b = self._issue(70000, partner=self.client_b)
        self._apply(self._create_order(self.plan_diagnosis))
        self._apply(self._create_order(self.plan_diagnosis, partner=self.client_b))
        for user, own, other in (
            (self.user_portal_a, credit_a, credit_b),
            (self.user_portal_a2, credit_a, credit_b),
            (self.user_portal_b, credit_b, credit_a),
        ):
            Credit = self.env["support.credit"].with_user(user)
            Usage = self.env["support.credit.usage"].with_user(user)
            self.assertEqual(Credit.search([]), own)
            self.assertEqual(Usage.search([]), own.usage_ids)
            own.with_user(user).read(["amount_remaining", "usage_ids"])
            own.usage_ids.with_user(user).read(["amount", "date"])
            self.env.invalidate_all()
            with self.assertRaises(AccessError):
                other.with_user(user).read(["amount_remaining"])
            with self.assertRaises(AccessError):
                other.usage_ids.with_user(user).read(["amount"])
            with self.assertRaises(AccessError):
                own.usage_ids.with_user(user).write({"date": date(2026, 3, 3)})

    def test_other_company_does_not_see_credits(self):
        credit = self._issue(60000)
        self._apply(self._create_order(self.plan_diagnosis))
        env_b = self.env(
            user=self.user_consultant_b,
            context={"allowed_company_ids": self.company_b.ids},
        )
        self.assertFalse(env_b["support.credit"].search([]))
        self.assertFalse(env_b["support.credit.usage"].search([]))
        with self.assertRaises(AccessError):
            credit.usage_ids.with_env(env_b).read(["amount"])
