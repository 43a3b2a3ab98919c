# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command

#: Valid RUTs (check digit computed with python-stdnum's ``cl.rut``).
RUT_CLIENT_A = "76086428-5"
RUT_CLIENT_B = "76201224-3"
RUT_PERSON = "12345678-5"


class ChileanChartMixin:
    """The support fixtures (``SupportCommon``) on Odoo's own Chilean
    localization: l10n_cl's chart, its journals with SII document types and
    its IVA 19% sales tax, made included in the price as the plans' prices are
    (``ITAX_19`` is price-exclusive: a copy, with its accounts and tax report
    tags, marked included; the company sells with it).

    The client companies of the fixtures are 1st category taxpayers with a
    RUT, as most Chilean companies are.
    """

    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cl = cls.env.ref("base.cl")
        rut = cls.env.ref("l10n_cl.it_RUT")
        for partner, vat in (
            (cls.client_a, RUT_CLIENT_A),
            (cls.client_b, RUT_CLIENT_B),
        ):
            partner.write(
                {
                    "country_id": cl.id,
                    "l10n_latam_identification_type_id": rut.id,
                    "vat": vat,
                    "l10n_cl_sii_taxpayer_type": "1",
                }
            )

    @classmethod
    def _setup_accounting(cls):
        cls.env["account.chart.template"].try_loading(
            "cl", company=cls.company, install_demo=False
        )
        cls.company.partner_id.write(
            {
                "l10n_latam_identification_type_id": cls.env.ref("l10n_cl.it_RUT").id,
                "vat": "77777777-7",
                "l10n_cl_sii_taxpayer_type": "1",
            }
        )

    @classmethod
    def _create_tax_iva(cls):
        exclusive = (
            cls.env["account.chart.template"].with_company(cls.company).ref("ITAX_19")
        )
        tax = exclusive.copy(
            {
                "name": "IVA 19% Venta (incluido)",
                "price_include": True,
            }
        )
        cls.tax_group = tax.tax_group_id
        cls.company.account_sale_tax_id = tax
        return tax

    @classmethod
    def _cl_partner(cls, name, **values):
        """A client of the test company (a person unless told)."""
        return cls.env["res.partner"].create(
            dict(
                {
                    "name": name,
                    "email": f"{name.split()[0].lower()}@example.com",
                    "company_id": False,
                    "country_id": cls.env.ref("base.cl").id,
                },
                **values,
            )
        )


def document_lines(move):
    """Command-free summary of a document for the assertions."""
    return (move.l10n_latam_document_type_id.code, move.state, move.amount_total)


__all__ = ["ChileanChartMixin", "Command", "document_lines"]
