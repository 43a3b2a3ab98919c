# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..utils import check_id_values


class SupportSession(models.Model):
    """A log made from a booked session marks it held."""

    _inherit = "support.session"

    booking_id = fields.Many2one(
        "support.booking",
        string="Booked session",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The booked session this log records; a log of a contract on the "
        "day of a session booked and begun records it by itself.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        Booking = self.env["support.booking"].sudo()
        now = fields.Datetime.now()
        for vals in vals_list:
            check_id_values(self, vals, ("booking_id",))
            if not vals.get("booking_id"):
                continue
            booking = Booking.browse(vals["booking_id"]).exists()
            if not booking:
                raise UserError(_("The booked session of this log does not exist."))
            if (
                vals.get("contract_id")
                and vals["contract_id"] != booking.contract_id.id
            ):
                raise UserError(_("A log records a session of its own contract."))
            vals["contract_id"] = booking.contract_id.id
            if booking.state != "booked":
                raise UserError(
                    _("This booked session was already logged, missed or cancelled.")
                )
            if booking.start > now:
                raise UserError(_("Log the session once its time has come."))
        sessions = super().create(vals_list)
        sessions._link_bookings()
        return sessions

    def _link_bookings(self):
        """Mark held (or missed, for a no-show) the booked sessions these
        logs record: the one named, else the contract's session booked on
        the log's day whose time has come. Corrections record none."""
        now = fields.Datetime.now()
        state = "no_show" if self.env.context.get("support_booking_no_show") else "done"
        for session in self.filtered(lambda s: not s.correction_of_id):
            booking = session.booking_id.sudo()
            contract = session.contract_id
            if not booking and not (
                contract.booking_next_start and contract.booking_next_start <= now
            ):
                # No session of the contract has begun: nothing to look for
                # (the earliest booked one is stored on the contract).
                continue
            if not booking:
                booking = (
                    session.contract_id.sudo()
                    .booking_ids.filtered(
                        lambda b, s=session: (
                            b.state == "booked"
                            and b.start <= now
                            and b._local_start_date() == s.date
                        )
                    )
                    .sorted("start")[:1]
                )
                if not booking:
                    continue
                session.sudo().booking_id = booking
            booking.with_context(support_booking_sync=True).write(
                {"state": state, "reminder_state": False}
            )
