# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class SupportBookingChange(models.TransientModel):
    """Collect the new time, or the cancellation, of a booked session and
    the reason the client reads; then call the booking."""

    _name = "support.booking.change"
    _description = "Move or Cancel a Booked Session"

    booking_id = fields.Many2one("support.booking", required=True)
    action = fields.Selection(
        [("move", "Move it"), ("cancel", "Cancel it")],
        required=True,
        default="move",
    )
    start = fields.Datetime(string="New start")
    consultant_id = fields.Many2one(
        "res.users", string="Consultant", domain="[('share', '=', False)]"
    )
    reason = fields.Text(required=True, help="Told to the client, in the email.")

    @api.onchange("booking_id")
    def _onchange_booking_id(self):
        for change in self:
            change.start = change.start or change.booking_id.start
            change.consultant_id = (
                change.consultant_id or change.booking_id.consultant_id
            )

    def action_confirm(self):
        self.ensure_one()
        if self.action == "cancel":
            self.booking_id.action_cancel(self.reason)
        else:
            self.booking_id.action_reschedule(
                self.start, self.reason, consultant=self.consultant_id or None
            )
        return {"type": "ir.actions.act_window_close"}
