# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, models
from odoo.exceptions import UserError

#: SII codes of the documents the support addon issues (l10n_cl's
#: l10n_latam.document.type): factura electrónica, boleta electrónica,
#: factura de exportación, nota de crédito and its export counterpart.
FACTURA, BOLETA, EXPORT, CREDIT_NOTE, EXPORT_CREDIT_NOTE = (
    "33",
    "39",
    "110",
    "61",
    "112",
)


def sii_document_code(
    move_type, taxpayer_type, country_code, is_company, origin_code=None
):
    """The SII document code of a sales document the addon issues.

    - A taxpayer of the 1st category (IVA afecto) gets a factura (33).
    - A foreigner (taxpayer type 4, or a client abroad that is not an end
      consumer) gets an export invoice (110).
    - Everyone else, persons with or without RUT (types 2 and 3, or none)
      gets a boleta (39): l10n_cl accepts it without RUT.
    - A company without a taxpayer type is taken as 1st category.
    - A credit note is a nota de crédito (61), or the export one (112) when
      it corrects an export invoice.

    A factura and a nota de crédito need the client's RUT (``needs_rut``).

    :return: the code
    """
    foreign = bool(country_code) and country_code != "CL"
    if move_type == "out_refund":
        if origin_code:
            return EXPORT_CREDIT_NOTE if origin_code == EXPORT else CREDIT_NOTE
        if taxpayer_type == "4" or (foreign and taxpayer_type != "3"):
            return EXPORT_CREDIT_NOTE
        return CREDIT_NOTE
    if taxpayer_type == "4" or (foreign and taxpayer_type != "3"):
        return EXPORT
    if taxpayer_type == "1" or (is_company and not taxpayer_type):
        return FACTURA
    return BOLETA


def needs_rut(code, has_vat):
    """Whether a document of SII ``code`` lacks the RUT it needs (l10n_cl
    refuses to post a factura or a nota de crédito without it)."""
    return code in (FACTURA, CREDIT_NOTE) and not has_vat


def missing_rut_error(partner, document_type):
    """The refusal of a document for a client without the RUT it needs.

    :param partner: the client (commercial entity)
    :param document_type: the ``l10n_latam.document.type`` that needs it
    :return: a ``UserError`` to raise
    """
    return UserError(
        _(
            "Missing the RUT of %(client)s: the %(document)s needs "
            "it. Enter it on the client (a person who buys as an "
            "end consumer gets boletas).",
            client=partner.display_name,
            document=document_type.name,
        )
    )


class AccountMove(models.Model):
    _inherit = "account.move"

    def _support_l10n_cl_moves(self):
        """The Chilean customer documents still in draft, on a journal that
        uses SII document types."""
        return self.filtered(
            lambda m: (
                m.state == "draft"
                and m.move_type in ("out_invoice", "out_refund")
                and m.l10n_latam_use_documents
                and m.company_id.account_fiscal_country_id.code == "CL"
            )
        )

    def _support_l10n_cl_document_code(self):
        """The SII document code this document's client requires
        (``sii_document_code``)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        return sii_document_code(
            self.move_type,
            partner.l10n_cl_sii_taxpayer_type,
            partner.country_id.code,
            partner.is_company,
            self.reversed_entry_id.l10n_latam_document_type_id.code,
        )

    def _compute_l10n_latam_document_type(self):
        # l10n_cl proposes the first document type of the journal (a factura)
        # whoever the client is; propose the one its taxpayer type requires,
        # for every customer document (the order's invoice too). The user may
        # still choose another one.
        result = super()._compute_l10n_latam_document_type()
        for move in self._support_l10n_cl_moves().filtered("partner_id"):
            code = move._support_l10n_cl_document_code()
            document_type = (
                move.l10n_latam_available_document_type_ids._origin.filtered(
                    lambda d, c=code: d.code == c
                )[:1]
            )
            if document_type:
                move.l10n_latam_document_type_id = document_type
        return result

    def _support_prepare_documents(self):
        """Give each Chilean sales document the addon makes the SII document
        type its client requires, or refuse it with what is missing."""
        result = super()._support_prepare_documents()
        for move in self._support_l10n_cl_moves():
            partner = move.partner_id.commercial_partner_id
            code = move._support_l10n_cl_document_code()
            document_type = move.l10n_latam_available_document_type_ids.filtered(
                lambda d, c=code: d.code == c
            )[:1]
            if not document_type:
                raise UserError(
                    _(
                        "The journal %(journal)s has no SII document type %(code)s "
                        "for %(client)s.",
                        journal=move.journal_id.display_name,
                        code=code,
                        client=partner.display_name,
                    )
                )
            if needs_rut(code, partner.vat):
                raise missing_rut_error(partner, document_type)
            # Usually proposed already (_compute_l10n_latam_document_type):
            # writing it again re-synchronises the move's lines, one move at
            # a time (a sixth of a batch's time, profiled).
            if move.l10n_latam_document_type_id != document_type:
                move.l10n_latam_document_type_id = document_type
        return result
