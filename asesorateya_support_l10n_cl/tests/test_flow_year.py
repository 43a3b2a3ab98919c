# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests.common import SupportCommon

from .common import ChileanChartMixin

PERIOD_LOGGER = "odoo.addons.asesorateya_support.models.support_contract_period"


@tagged("post_install", "-at_install")
class TestFlowYearChile(ChileanChartMixin, SupportCommon):
    """A year of two retainers through the cron on l10n_cl: one client pays
    late once (paused, then resumed), the other has no RUT for five months
    (refused each run, never blocking the first, billed once it is entered).
    The documents agree with the ledger after every step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron_roll = cls.env.ref("asesorateya_support.ir_cron_roll_periods")
        cls.cron_unpaid = cls.env.ref("asesorateya_support.ir_cron_pause_unpaid")
        cls.no_rut = cls._cl_partner(
            "Sin Rut SpA", is_company=True, l10n_cl_sii_taxpayer_type="1"
        )

    def _retainer(self, partner):
        contract = self._sell(self.plan_monthly, partner, date="2026-03-01")
        with freeze_time("2026-03-02 12:00:00"):
            contract.action_start("2026-03-02")
        return contract

    def _at(self, day, cron):
        with freeze_time(f"{day} 12:00:00"):
            cron.method_direct_trigger()

    def _pay(self, invoice, day):
        with freeze_time(f"{day} 12:00:00"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": day})._create_payments()

    def _check_books(self, *partners):
        for partner in partners:
            moves = self.env["account.move"].search(
                [
                    ("partner_id", "child_of", partner.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ]
            )
            receivable = self.env["account.move.line"].search(
                [
                    ("partner_id", "child_of", partner.id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                ]
            )
            self.assertEqual(
                sum(receivable.mapped("amount_residual")),
                sum(moves.mapped("amount_residual_signed")),
                f"{partner.name}: the ledger owes what the documents say",
            )
            for move in moves:
                self.assertEqual(move.l10n_latam_document_type_id.code, "33")
                self.assertEqual(move.amount_untaxed + move.amount_tax, 300000.0)
                self.assertEqual(move.amount_tax, 47899.0, "IVA of $300.000")

    def test_a_year(self):
        paying = self._retainer(self.client_a)
        refused = self._retainer(self.no_rut)
        for month in range(1, 13):
            day = date(2026, 3, 2) + relativedelta(months=month)
            if month == 6:
                self.no_rut.write(
                    {
                        "l10n_latam_identification_type_id": self.env.ref(
                            "l10n_cl.it_RUT"
                        ).id,
                        "vat": "96511460-2",
                    }
                )
            if month < 6:
                with self.assertLogs(PERIOD_LOGGER, "WARNING") as logs:
                    self._at(day, self.cron_roll)
                self.assertTrue(all("Sin Rut SpA" in line for line in logs.output))
                self.assertFalse(refused.period_ids.invoice_id)
            else:
                self._at(day, self.cron_roll)
            self.assertEqual(paying.state, "active")
            unpaid = paying.period_ids.invoice_id.filtered(
                lambda i: i.payment_state == "not_paid"
            )
            self.assertEqual(len(unpaid), 1, f"month {month}: its cycle is billed")
            self._check_books(self.client_a, self.no_rut)
            if month == 4:
                # Paid late: paused after the grace, resumed by the payment.
                self._at(day + timedelta(days=8), self.cron_unpaid)
                self.assertEqual(paying.state, "paused")
                self._pay(unpaid, day + timedelta(days=10))
                self.assertEqual(paying.state, "active")
            else:
                self._pay(unpaid, day)
            self._check_books(self.client_a, self.no_rut)
        # Every cycle of the client without RUT, billed once it was entered,
        # dated the day of that run, never back-dated.
        billed = refused.period_ids.filtered(lambda p: not p.billed_by_order)
        self.assertEqual(len(billed.invoice_id), len(billed))
        self.assertFalse(billed.filtered("invoice_error"))
        first_billed = billed.invoice_id.sorted("invoice_date")[:5]
        self.assertEqual(set(first_billed.mapped("invoice_date")), {date(2026, 9, 2)})
        self.assertFalse(refused.activity_ids)
