# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AsesórateYa Odoo Support Services: Chile",
    "summary": "The support addon's invoices and credit notes on Odoo's Chilean "
    "localization: factura, boleta or export document for each client",
    "version": "17.0.1.0.0",
    "category": "Accounting/Localizations",
    "license": "LGPL-3",
    "author": "AsesórateYa",
    "website": "https://asesorateya.cl",
    "depends": ["asesorateya_support", "l10n_cl"],
    "data": [],
    "installable": True,
    "auto_install": True,
}
