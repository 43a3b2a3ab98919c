# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    support_low_balance_hours = fields.Float(
        related="company_id.support_low_balance_hours", readonly=False
    )
    support_low_balance_percent = fields.Float(
        related="company_id.support_low_balance_percent", readonly=False
    )
    support_contact_email = fields.Char(
        related="company_id.support_contact_email", readonly=False
    )
    support_whatsapp_number = fields.Char(
        related="company_id.support_whatsapp_number", readonly=False
    )
    support_booking_url = fields.Char(
        related="company_id.support_booking_url", readonly=False
    )
