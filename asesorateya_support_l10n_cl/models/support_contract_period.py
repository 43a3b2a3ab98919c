# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import models

from .account_move import missing_rut_error, needs_rut, sii_document_code


class SupportContractPeriod(models.Model):
    _inherit = "support.contract.period"

    def _prepare_invoice_values(self, journal, fiscal_positions=None):
        """Refuse a cycle's factura for a client without RUT before its
        invoice is made, with the refusal ``_support_prepare_documents`` gives.

        The monthly run creates a batch's invoices in one call and falls back
        to one savepoint per invoice when that call fails
        (``_issue_invoices``): a client without RUT in each batch of 500 (1%
        of them) made every batch fail once and make its invoices one by one.
        Refused here, the cycle never enters the batch (``_bill`` records the
        refusal and asks the accountant), and the batch goes through whole.
        """
        values = super()._prepare_invoice_values(
            journal, fiscal_positions=fiscal_positions
        )
        company = journal.company_id
        if (
            not journal.l10n_latam_use_documents
            or company.account_fiscal_country_id.code != "CL"
        ):
            return values
        partner = (
            self.env["res.partner"]
            .sudo()
            .browse(values["partner_id"])
            .commercial_partner_id
        )
        code = sii_document_code(
            values["move_type"],
            partner.l10n_cl_sii_taxpayer_type,
            partner.country_id.code,
            partner.is_company,
        )
        if needs_rut(code, partner.vat):
            document_type = (
                self.env["l10n_latam.document.type"]
                .sudo()
                .search(
                    [
                        ("code", "=", code),
                        ("country_id", "=", company.account_fiscal_country_id.id),
                    ],
                    limit=1,
                )
            )
            raise missing_rut_error(partner, document_type)
        return values
