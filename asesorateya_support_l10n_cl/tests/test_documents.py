# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests.common import (
    SupportCommon,
    SupportRetainerRollMixin,
)

from ..models.account_move import needs_rut, sii_document_code
from .common import RUT_PERSON, ChileanChartMixin

PERIOD_LOGGER = "odoo.addons.asesorateya_support.models.support_contract_period"


@tagged("post_install", "-at_install")
class TestChileanDocuments(ChileanChartMixin, SupportRetainerRollMixin, SupportCommon):
    """Each client gets the SII document its taxpayer type requires, and one
    client Odoo refuses never stops the monthly run of the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        run = cls.env.ref("l10n_cl.it_RUN")
        cls.person_rut = cls._cl_partner(
            "Pedro Persona",
            vat=RUT_PERSON,
            l10n_latam_identification_type_id=run.id,
            l10n_cl_sii_taxpayer_type="3",
        )
        cls.person_no_rut = cls._cl_partner("Nora Sinrut")
        cls.foreign = cls._cl_partner(
            "Globex LLC",
            is_company=True,
            country_id=cls.env.ref("base.us").id,
            l10n_cl_sii_taxpayer_type="4",
        )
        cls.company_no_rut = cls._cl_partner(
            "Sin Rut SpA", is_company=True, l10n_cl_sii_taxpayer_type="1"
        )

    def test_document_codes(self):
        """The rule alone (taxpayer type, RUT, country, kind of client)."""
        cases = [
            (("out_invoice", "1", "CL", True), "33"),
            (("out_invoice", "1", "CL", False), "33"),
            (("out_invoice", False, "CL", True), "33"),
            (("out_invoice", "3", "CL", False), "39"),
            (("out_invoice", False, "CL", False), "39"),
            (("out_invoice", "2", "CL", False), "39"),
            (("out_invoice", "4", "US", True), "110"),
            (("out_invoice", False, "AR", True), "110"),
            (("out_invoice", "3", "AR", False), "39"),
            (("out_refund", "3", "CL", False), "61"),
            (("out_refund", "4", "US", True), "112"),
            (("out_refund", "1", "CL", True, "33"), "61"),
            (("out_refund", "4", "US", True, "110"), "112"),
        ]
        for args, code in cases:
            with self.subTest(args=args):
                self.assertEqual(sii_document_code(*args), code)
        self.assertTrue(needs_rut("33", False))
        self.assertTrue(needs_rut("61", False))
        self.assertFalse(needs_rut("39", False))
        self.assertFalse(needs_rut("110", False))
        self.assertFalse(needs_rut("33", True))

    def test_one_refused_client_never_stops_the_run(self):
        company = self._retainer(self.client_a)
        person = self._retainer(self.person_rut)
        anonymous = self._retainer(self.person_no_rut)
        foreign = self._retainer(self.foreign)
        refused = self._retainer(self.company_no_rut)
        with self.assertLogs(PERIOD_LOGGER, "WARNING") as logs:
            self._roll("2026-04-02")
        self.assertIn("Sin Rut SpA", logs.output[0], "the log names the client")
        self.assertIn(refused.name, logs.output[0])

        codes = {
            contract: self._second(contract).invoice_id.l10n_latam_document_type_id.code
            for contract in (company, person, anonymous, foreign)
        }
        self.assertEqual(
            codes, {company: "33", person: "39", anonymous: "39", foreign: "110"}
        )
        for contract in (company, person, anonymous, foreign):
            invoice = self._second(contract).invoice_id
            self.assertEqual(invoice.state, "posted")
            self.assertEqual(invoice.amount_total, 300000.0)
            self.assertEqual(invoice.amount_untaxed + invoice.amount_tax, 300000.0)

        # The refused client: its cycle rolled all the same, without invoice.
        second = self._second(refused)
        self.assertEqual(refused.period_ids.mapped("state"), ["closed", "open"])
        self.assertFalse(second.invoice_id)
        self.assertIn("Missing the RUT of Sin Rut SpA", second.invoice_error)
        activity = refused.activity_ids.filtered(
            lambda a: a.summary == second.invoice_error
        )
        self.assertEqual(activity.user_id, refused.user_id)

        # The next run, the same day or later, retries; again refused, no
        # second activity for the same problem.
        with self.assertLogs(PERIOD_LOGGER, "WARNING"):
            self._roll("2026-04-03")
        self.assertEqual(
            len(
                refused.activity_ids.filtered(
                    lambda a: a.summary == second.invoice_error
                )
            ),
            len(activity),
        )
        # The accountant enters the RUT: the next run issues the factura and
        # closes the activity.
        self.company_no_rut.write(
            {
                "l10n_latam_identification_type_id": self.env.ref("l10n_cl.it_RUT").id,
                "vat": "96511460-2",
            }
        )
        self._roll("2026-04-04")
        self.assertEqual(second.invoice_id.l10n_latam_document_type_id.code, "33")
        self.assertEqual(second.invoice_id.invoice_date.isoformat(), "2026-04-04")
        self.assertFalse(second.invoice_error)
        self.assertFalse(
            refused.activity_ids.filtered(lambda a: a.summary == activity.summary)
        )

    def test_consultant_log_on_first_day_never_fails_on_invoicing(self):
        refused = self._retainer(self.company_no_rut)
        with (
            self.assertLogs(PERIOD_LOGGER, "WARNING"),
            freeze_time("2026-04-02 08:00:00"),
        ):
            session = self._log(refused, 1.0, date="2026-04-02")
        second = self._second(refused)
        self.assertEqual(session.period_id, second)
        self.assertFalse(second.invoice_id)
        self.assertTrue(second.invoice_error)

    def test_drafts_for_the_accountant(self):
        self.company.support_invoice_auto_post = False
        contract = self._retainer(self.person_no_rut)
        self._roll("2026-04-02")
        invoice = self._second(contract).invoice_id
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.l10n_latam_document_type_id.code, "39")
        self.assertFalse(
            contract.message_ids.filtered(lambda m: "new cycle" in (m.body or "")),
            "the client is told when the invoice is posted, not before",
        )
        invoice.action_post()
        self.assertTrue(invoice.name.startswith("BEL "), invoice.name)
        self.assertIn(invoice.name, contract.message_ids[0].body)

    def test_cycle_invoice_is_the_order_recurring_invoice(self):
        contract = self._retainer(self.person_rut)
        order = contract.sale_order_id
        self._roll("2026-04-02")
        invoice = self._second(contract).invoice_id
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids, contract.sale_line_id)
        self.assertIn(invoice, order.invoice_ids)
        # What the order sold is still to invoice once, not over-invoiced.
        self.assertEqual(contract.sale_line_id.qty_invoiced, 0.0)
        self.assertEqual(order.invoice_status, "to invoice")
        order_invoice = order._create_invoices()
        order_invoice.action_post()
        self.assertEqual(order_invoice.l10n_latam_document_type_id.code, "39")
        self.assertEqual(contract.sale_line_id.qty_invoiced, 1.0)
        self.assertEqual(order.invoice_status, "invoiced")

    def test_refund_of_a_person_with_rut_never_invoiced(self):
        """A boleta, then its nota de crédito referencing it."""
        bag = self._sell(self.plan_bag, self.person_rut, date="2026-03-02")
        with freeze_time("2026-03-25 12:00:00"):
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                reason="Changed plans"
            )
        refund = cancellation.with_env(self.env).refund_move_id
        invoice = refund.reversed_entry_id
        self.assertEqual(invoice.l10n_latam_document_type_id.code, "39")
        self.assertEqual(refund.l10n_latam_document_type_id.code, "61")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.partner_id, self.person_rut)
        self.assertEqual(
            (refund.amount_total, refund.amount_untaxed, refund.amount_tax),
            (400000.0, 336134.0, 63866.0),
        )
        self.assertEqual(invoice.payment_state, "reversed")

    def test_refund_of_a_person_without_rut_waits_for_it(self):
        """l10n_cl posts no nota de crédito without RUT: the cancellation
        stands, its document waits as a draft and the accountant is told."""
        bag = self._sell(self.plan_bag, self.person_no_rut, date="2026-03-02")
        with (
            self.assertLogs(
                "odoo.addons.asesorateya_support.models.support_cancellation", "WARNING"
            ),
            freeze_time("2026-03-25 12:00:00"),
        ):
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                reason="Changed plans"
            )
        cancellation = cancellation.with_env(self.env)
        self.assertEqual(bag.state, "cancelled")
        refund = cancellation.refund_move_id
        self.assertEqual(refund.state, "draft")
        self.assertEqual(refund.amount_total, 400000.0)
        self.assertEqual(refund.l10n_latam_document_type_id.code, "61")
        self.assertEqual(
            refund.reversed_entry_id.l10n_latam_document_type_id.code, "39"
        )
        self.assertEqual(
            refund.reversed_entry_id.state, "posted", "the boleta needs none"
        )
        self.assertIn(
            "Missing the RUT of Nora Sinrut", cancellation.activity_ids[0].summary
        )

    def test_export_refund(self):
        bag = self._sell(self.plan_bag, self.foreign, date="2026-03-02")
        with freeze_time("2026-03-25 12:00:00"):
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                reason="Changed plans"
            )
        refund = cancellation.with_env(self.env).refund_move_id
        self.assertEqual(
            refund.reversed_entry_id.l10n_latam_document_type_id.code, "110"
        )
        self.assertEqual(refund.l10n_latam_document_type_id.code, "112")

    def test_credit_spent_with_l10n_cl_default_iva(self):
        """l10n_cl's IVA 19% (added to the price) as the company's sales tax:
        a credit is still spent for its amount, IVA included."""
        itax = (
            self.env["account.chart.template"].with_company(self.company).ref("ITAX_19")
        )
        self.assertFalse(itax.price_include)
        self.company.account_sale_tax_id = itax
        source = self._sell(self.plan_diagnosis, date="2026-03-02")
        self.env["support.credit"]._issue(
            self.client_a,
            10000,
            "cancellation",
            date(2026, 3, 2),
            self.env.ref("asesorateya_support.support_policy_support_v1"),
            contract_id=source.id,
            company_id=self.company.id,
        )
        with freeze_time("2026-03-02 12:00:00"):
            # Credits pay support plans only (support §10): a diagnosis whose
            # line carries l10n_cl's IVA added to the price.
            order = self._create_order(self.plan_diagnosis)
            order.order_line.tax_id = itax
            before = order.amount_total
            self.assertEqual(before, order.order_line.price_unit * 1.19)
            order.with_user(self.user_salesman).action_apply_support_credits()
            order.action_confirm()
            invoice = order._create_invoices()
            invoice.action_post()
        # The factura bills the diagnosis at its price; the credit's nota de
        # crédito pays 10.000 of it (README "Books").
        self.assertEqual(invoice.amount_total, before)
        self.assertEqual(invoice.amount_residual, before - 10000, "less 10.000")
        self.assertEqual(invoice.l10n_latam_document_type_id.code, "33")
