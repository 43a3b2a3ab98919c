# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..const import BOOKABLE_KINDS


class SupportPlan(models.Model):
    """Who takes the bookings of a plan's sessions."""

    _inherit = "support.plan"

    booking_consultant_ids = fields.Many2many(
        "res.users",
        "support_plan_booking_consultant_rel",
        "plan_id",
        "user_id",
        string="Consultants taking bookings",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Clients book this plan's sessions in the free time of these "
        "consultants: their working hours, minus their time off, calendar "
        "events and other bookings. Empty: sessions are not booked in Odoo "
        "(the booking URL, if any, is given instead).",
    )
    booking_enabled = fields.Boolean(
        string="Booked in Odoo",
        compute="_compute_booking_enabled",
        store=True,
        help="Clients book this plan's sessions on its booking page.",
    )
    booking_url = fields.Char(
        help="Only for plans whose sessions are not booked in Odoo (no "
        "consultant takes bookings): where clients book them instead."
    )

    @api.depends("kind", "booking_consultant_ids")
    def _compute_booking_enabled(self):
        for plan in self:
            plan.booking_enabled = bool(
                plan.kind in BOOKABLE_KINDS and plan.booking_consultant_ids
            )

    @api.constrains("booking_consultant_ids", "kind")
    def _check_booking_consultants(self):
        for plan in self:
            if plan.booking_consultant_ids and plan.kind not in BOOKABLE_KINDS:
                raise ValidationError(
                    _("A project has no sessions to book: name no consultant.")
                )
            if plan.booking_consultant_ids.filtered("share"):
                raise ValidationError(
                    _("Only the consultancy's own users take bookings.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        plans._ensure_booking_resources()
        return plans

    def write(self, vals):
        result = super().write(vals)
        if "booking_consultant_ids" in vals or "company_id" in vals:
            self._ensure_booking_resources()
        return result

    def _ensure_booking_resources(self):
        """Every consultant taking bookings has working hours to book in."""
        for plan in self.filtered("booking_consultant_ids"):
            plan.booking_consultant_ids._ensure_support_booking_resource(
                plan.company_id
            )
