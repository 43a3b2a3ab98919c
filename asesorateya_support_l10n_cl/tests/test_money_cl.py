# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's money tests again, on Odoo's Chilean localization.

Each class runs every test of the addon's class it extends, with the
fixtures on l10n_cl's chart, journals, document types and IVA 19%
(``ChileanChartMixin``). Only the modules are imported, not the classes:
Odoo's loader would otherwise run the generic ones here a second time.
"""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests import (
    test_billing,
    test_cancellation,
    test_credit_books,
    test_project,
)

from .common import ChileanChartMixin


@tagged("post_install", "-at_install")
class TestBillingChile(ChileanChartMixin, test_billing.TestSupportBilling):
    """Monthly cycles billed as facturas to a 1st category client."""

    def test_cycle_invoice_is_a_factura(self):
        contract = self._start()
        self._roll("2026-04-02")
        invoice = self._cycle(contract, 2).invoice_id
        self.assertEqual(invoice.l10n_latam_document_type_id.code, "33")
        self.assertTrue(invoice.name.startswith("FAC "), invoice.name)


@tagged("post_install", "-at_install")
class TestCancellationChile(
    ChileanChartMixin, test_cancellation.TestSupportCancellation
):
    """Refunds, credits and extra invoices as SII documents."""


@tagged("post_install", "-at_install")
class TestProjectChile(ChileanChartMixin, test_project.TestSupportProject):
    """Agency projects on the Chilean chart."""


@tagged("post_install", "-at_install")
class TestCreditBooksChile(ChileanChartMixin, test_credit_books.TestSupportCreditBooks):
    """Client credits as open notas de crédito 61 that pay the next factura."""

    def test_credit_note_is_a_nota_de_credito(self):
        with freeze_time("2026-03-02 12:00:00"):
            source = self._sell(self.plan_bag, date="2026-03-02")
            credit = self._issue_on(source, 100000)
        self.assertEqual(credit.move_id.l10n_latam_document_type_id.code, "61")
        self.assertEqual(
            credit.move_id.reversed_entry_id.l10n_latam_document_type_id.code, "33"
        )
