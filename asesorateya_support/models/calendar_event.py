# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import create_index


class CalendarEvent(models.Model):
    """The event of a booked session follows its booking."""

    _inherit = "calendar.event"

    def init(self):
        """The indexes the booking page's busy time reads a consultant's
        events by (``support_booking_calendar.BUSY_QUERY``): Odoo's calendar
        has none on attendees nor on the organizer. With them the query reads
        the events of the consultant shown, not those of every consultant in
        those days, and costs too little for PostgreSQL to compile it with
        JIT (README, "Benchmark")."""
        cr = self.env.cr
        create_index(
            cr,
            "calendar_attendee_partner_id_event_id_index",
            "calendar_attendee",
            ["partner_id", "event_id"],
        )
        create_index(
            cr,
            "calendar_attendee_event_id_partner_id_index",
            "calendar_attendee",
            ["event_id", "partner_id"],
        )
        create_index(
            cr,
            "calendar_event_user_id_stop_index",
            "calendar_event",
            ["user_id", "stop"],
        )

    def _check_support_booking_change(self):
        """A client's booking is moved or cancelled from the booking, which
        tells the client why; not by dragging or deleting its event."""
        if self.env.context.get("support_booking_sync"):
            return
        booked = (
            self.env["support.booking"]
            .sudo()
            .search_count([("event_id", "in", self.ids), ("state", "=", "booked")])
        )
        if booked:
            raise UserError(
                _(
                    "This event is a client's booked session: move or cancel it "
                    "from the booking (Odoo Support > Bookings), with a reason "
                    "the client reads."
                )
            )

    def write(self, vals):
        if {"start", "stop", "start_date", "stop_date", "allday", "active"} & set(vals):
            self._check_support_booking_change()
        return super().write(vals)

    def unlink(self):
        self._check_support_booking_change()
        return super().unlink()
