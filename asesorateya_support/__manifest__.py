# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AsesórateYa Odoo Support Services",
    "summary": "Sell, run and account Odoo support services: diagnosis, "
    "incidents, hour bags and monthly retainers, with session logs",
    "version": "17.0.1.0.0",
    "category": "Services",
    "license": "LGPL-3",
    "author": "AsesórateYa",
    "website": "https://asesorateya.cl",
    "depends": ["sale", "portal", "mail"],
    "data": [
        "security/asesorateya_support_groups.xml",
        "security/ir.model.access.csv",
        "security/asesorateya_support_security.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/support_plan_data.xml",
        "wizards/support_contract_hold_views.xml",
        "wizards/support_session_correct_views.xml",
        "views/support_plan_views.xml",
        "views/support_contract_views.xml",
        "views/support_contract_period_views.xml",
        "views/support_session_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/asesorateya_support_menus.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/res_users_demo.xml",
        "demo/support_plan_demo.xml",
        "demo/support_contract_demo.xml",
    ],
    "installable": True,
    "application": True,
    "development_status": "Beta",
}
