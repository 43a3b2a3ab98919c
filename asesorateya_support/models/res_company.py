# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    support_low_balance_hours = fields.Float(
        string="Low balance threshold (hours)",
        default=2.0,
        help="A contract is flagged as low on hours when its remaining hours "
        "fall to this number or below.",
    )
    support_low_balance_percent = fields.Float(
        string="Low balance threshold (%)",
        default=20.0,
        help="A contract is flagged as low on hours when its remaining hours "
        "fall to this share of the included hours or below.",
    )
    support_contact_email = fields.Char(
        string="Formal support email",
        help="Email is the formal channel of coordination (policy §3).",
    )
    support_whatsapp_number = fields.Char(
        string="Support WhatsApp",
        help="A complementary channel; it never replaces email.",
    )
    support_booking_url = fields.Char(
        string="Default booking URL",
        help="Where clients book their sessions when a plan sets none.",
    )
