# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the policies decide, to the peso and to the day (issue 13): each test
names the clause it checks and fails on the engine before the issue."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestPolicyDepartures(SupportCommon):
    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_CL")
        cls.client_a.lang = "es_CL"
        cls.contact_a.lang = "es_CL"
        cls.version = cls.env.ref("asesorateya_support.support_policy_support_v1")
        cls.agency = cls.env.ref("asesorateya_support.support_policy_agency")
        cls.plan_project = cls._create_plan(
            "Web project", "project", 2000000, policy_id=cls.agency.id
        )

    def _pay(self, invoice, day):
        with freeze_time(f"{day} 12:00:00"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": day})._create_payments()

    # ------------------------------------------------------------------
    # Item 2: the service starts with the first use of hours, net (§10)
    # ------------------------------------------------------------------
    @freeze_time("2026-03-20 12:00:00")
    def test_log_corrected_to_zero_is_no_use(self):
        """Support §10 "antes del primer uso de horas de la bolsa": a log
        corrected to 0 h was a mistake, not a use; the first real use
        starts the service."""
        bag = self._sell(self.plan_bag, date="2026-03-02")
        log = self._log(bag, 2.0, date="2026-03-05")
        self.assertEqual(bag.date_start, date(2026, 3, 5))
        log.action_correct(0.0, "Logged on the wrong client")
        self.assertFalse(bag.date_start, "no hour used, net")
        quote = bag.cancellation_quote("2026-03-09")
        self.assertEqual(quote["legal_basis"], "withdrawal", "day 7, not started")
        self.assertEqual(quote["refund_amount"], 400000.0)
        self._log(bag, 1.0, date="2026-03-10")
        self.assertEqual(bag.date_start, date(2026, 3, 10))
        self.assertEqual(bag.cancellation_quote()["phase"], "started")

    # ------------------------------------------------------------------
    # Item 5: a quote as of a date counts up to that date (§10)
    # ------------------------------------------------------------------
    @freeze_time("2026-03-20 12:00:00")
    def test_quote_counts_logs_up_to_the_request_date(self):
        """Support §10 "hasta la fecha de cancelación": logs dated after the
        request date are not charged in its quote."""
        bag = self._sell(self.plan_bag, date="2026-01-02")
        self._log(bag, 2.0, date="2026-03-05")
        self._log(bag, 3.0, date="2026-03-15")
        quote = bag.cancellation_quote("2026-03-10")
        self.assertEqual(quote["work_done_amount"], 80000.0, "2 h at 40.000")
        self.assertEqual(quote["credit_amount"], 320000.0)
        before = bag.cancellation_quote("2026-03-04")
        self.assertEqual(before["phase"], "before_start", "no hour used by then")
        self.assertEqual(bag.cancellation_quote()["work_done_amount"], 200000.0)

    @freeze_time("2026-05-20 12:00:00")
    def test_monthly_quote_counts_the_cycle_up_to_the_request_date(self):
        """Support §10: the current cycle's hours used up to the request."""
        monthly = self._sell(self.plan_monthly, date="2026-05-01")
        monthly.action_start("2026-05-01")
        self._log(monthly, 2.0, date="2026-05-03")
        self._log(monthly, 3.0, date="2026-05-10")
        quote = monthly.cancellation_quote("2026-05-05")
        self.assertEqual(quote["work_done_amount"], 75000.0, "2 h of 8 at 300.000")
        self.assertEqual(quote["credit_amount"], 225000.0)

    # ------------------------------------------------------------------
    # Item 3: recorded progress means the project started (agency §4.2)
    # ------------------------------------------------------------------
    def test_first_progress_starts_the_project(self):
        """Agency §4.2 charges "una vez iniciado el trabajo": recording
        progress starts the project, and the quote charges it."""
        project = self.env["support.contract"].create(
            {
                "partner_id": self.client_a.id,
                "plan_id": self.plan_project.id,
                "date_purchase": "2026-05-04",
                "amount_total": 2000000,
                "amount_paid": 1000000,
                "state": "confirmed",
                "project_item_ids": [
                    Command.create({"name": "Design", "weight": 40}),
                    Command.create({"name": "Development", "weight": 60}),
                ],
            }
        )
        with freeze_time("2026-05-10 12:00:00"):
            project.project_item_ids[0].progress = 100
            project.project_item_ids[1].progress = 100
            self.assertEqual(project.state, "active")
            self.assertEqual(project.date_start, date(2026, 5, 10))
            quote = project.cancellation_quote()
        self.assertEqual(quote["phase"], "started")
        self.assertEqual(quote["work_done_amount"], 2000000.0)
        self.assertEqual(quote["extra_invoice_amount"], 1000000.0)

    @freeze_time("2026-05-10 12:00:00")
    def test_quote_never_ignores_recorded_progress(self):
        """Agency §4.2: a project listed with progress but never started is
        charged that progress, beyond the deposit too (§4.2, second point)."""
        project = self.env["support.contract"].create(
            {
                "partner_id": self.client_a.id,
                "plan_id": self.plan_project.id,
                "date_purchase": "2026-05-04",
                "amount_total": 2000000,
                "amount_paid": 1000000,
                "state": "confirmed",
                "project_item_ids": [
                    Command.create({"name": "Design", "weight": 40, "progress": 100}),
                    Command.create(
                        {"name": "Development", "weight": 60, "progress": 50}
                    ),
                ],
            }
        )
        self.assertFalse(project.date_start)
        quote = project.cancellation_quote()
        self.assertEqual(quote["phase"], "started")
        self.assertEqual(quote["work_done_amount"], 1400000.0)
        self.assertEqual(quote["extra_invoice_amount"], 400000.0)

    # ------------------------------------------------------------------
    # Item 4: a monthly client gets back only what it paid (§8)
    # ------------------------------------------------------------------
    @freeze_time("2026-05-12 12:00:00")
    def test_unpaid_cycle_settled_on_its_invoice(self):
        """Support §8 "pagado de forma mensual anticipada": an unpaid cycle
        gives no credit; the work done stays due on its invoice and the
        rest of the invoice is reversed."""
        monthly = self._sell(self.plan_monthly, date="2026-04-01")
        monthly.action_start("2026-04-01")
        self._log(monthly, 3.0, date="2026-05-05")
        may = monthly.current_period_id
        self.assertEqual(may.date_start, date(2026, 5, 1))
        invoice = may.invoice_id
        self.assertEqual(invoice.payment_state, "not_paid")
        quote = monthly.cancellation_quote()
        self.assertEqual(quote["amount_paid"], 0.0)
        self.assertEqual(quote["work_done_amount"], 112500.0)
        self.assertEqual(quote["credit_amount"] + quote["refund_amount"], 0.0)
        self.assertEqual(quote["invoice_reversal_amount"], 187500.0)
        self.assertIn("nota de crédito", quote["explanation"])
        cancellation = monthly.action_cancel_by_policy()
        self.assertFalse(cancellation.credit_id)
        self.assertEqual(cancellation.reversal_move_id.amount_total, 187500.0)
        self.assertEqual(cancellation.reversal_move_id.move_type, "out_refund")
        self.assertEqual(invoice.amount_residual, 112500.0, "the work done is due")

    @freeze_time("2026-05-12 12:00:00")
    def test_partly_paid_cycle(self):
        """Support §8: of a cycle paid in part, what was received beyond the
        work done is credited; the unpaid rest is reversed."""
        monthly = self._sell(self.plan_monthly, date="2026-04-01")
        monthly.action_start("2026-04-01")
        self._log(monthly, 2.0, date="2026-05-05")
        invoice = monthly.current_period_id.invoice_id
        with freeze_time("2026-05-02 12:00:00"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"payment_date": "2026-05-02", "amount": 100000}
            )._create_payments()
        quote = monthly.cancellation_quote()
        self.assertEqual(quote["amount_paid"], 100000.0)
        self.assertEqual(quote["work_done_amount"], 75000.0)
        self.assertEqual(quote["credit_amount"], 25000.0)
        self.assertEqual(quote["invoice_reversal_amount"], 200000.0)

    # ------------------------------------------------------------------
    # Items 6 and 7: what a credit pays, and a §5 credit's own term
    # ------------------------------------------------------------------
    def _credit(self, origin, amount, version=None):
        return self.env["support.credit"]._issue(
            self.client_a,
            amount,
            origin,
            date(2026, 3, 2),
            version or self.version,
            company_id=self.company.id,
        )

    @freeze_time("2026-03-10 12:00:00")
    def test_credit_pays_only_support_services(self):
        """Support §10 "aplicado a otro servicio de AsesórateYa": never a
        T-shirt; an order mixing both pays the service only."""
        self._credit("cancellation", 100000)
        shirt = self._create_order(
            order_line=[Command.create({"product_id": self.product_other.id})]
        )
        self.assertEqual(shirt.support_credit_count, 0)
        with self.assertRaisesText(UserError, "no client credit"):
            shirt.with_user(self.user_salesman).action_apply_support_credits()
        mixed = self._create_order(
            self.plan_diagnosis,
            order_line=[
                Command.create({"product_id": self.plan_diagnosis.product_id.id}),
                Command.create({"product_id": self.product_other.id}),
            ],
        )
        mixed.with_user(self.user_salesman).action_apply_support_credits()
        self.assertEqual(mixed.amount_total, 11900.0, "the diagnosis only")

    @freeze_time("2026-03-10 12:00:00")
    def test_conversion_credit_pays_what_section_5_names(self):
        """Support §5: "a una bolsa de horas, a un diagnóstico de soporte o a
        un servicio mayor": not another incident."""
        self._credit("conversion", 60000)
        incident = self._create_order(self.plan_incident)
        self.assertEqual(incident.support_credit_count, 0)
        bag = self._create_order(self.plan_bag)
        bag.with_user(self.user_salesman).action_apply_support_credits()
        self.assertEqual(bag.amount_total, 340000.0)

    def test_conversion_credit_term_on_the_version(self):
        """Support §5 sets no expiry: the shipped version gives none; a
        version may set its own term, apart from the §10 months."""
        self.assertEqual(self.version.conversion_credit_validity_months, 0)
        credit = self._credit("conversion", 60000)
        self.assertFalse(credit.date_expiry)
        self.assertFalse(credit.date_reminder)
        with freeze_time("2030-01-01 12:00:00"):
            self.env.ref(
                "asesorateya_support.ir_cron_expire_credits"
            ).method_direct_trigger()
        self.assertEqual(credit.state, "available", "never expires")
        other = self.version.copy({"conversion_credit_validity_months": 3})
        self.assertEqual(
            self._credit("conversion", 1000, other).date_expiry, date(2026, 6, 2)
        )
        self.assertEqual(
            self._credit("cancellation", 1000, other).date_expiry, date(2026, 9, 2)
        )
