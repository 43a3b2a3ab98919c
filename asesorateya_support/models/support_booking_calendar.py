# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A booked session in the calendar: its event, and the consultants' busy
time the free times are cut from."""

from datetime import timedelta

import pytz

from odoo import Command, api, models

#: An event of the consultant that makes them busy in the days around the
#: ones sought (repeated in both branches of ``BUSY_QUERY``).
BUSY_EVENT = """
                       e.active
                   AND e.show_as = 'busy'
                   AND e.start < %(date_to)s + interval '2 days'
                   AND e.stop > %(date_from)s - interval '2 days'
                   AND e.res_model IS DISTINCT FROM 'support.booking'
"""
#: The consultants' busy time, merged (see ``_get_busy_intervals``): their
#: events as attendees who did not decline, or as organizers without an
#: attendee row; all-day events over their whole days in the consultant's
#: zone; their booked sessions. ``{values}`` is the list of
#: ``(user, partner, time zone)`` of the consultants.
#:
#: Each consultant's events are found from the consultant (attendee rows by
#: partner, events by organizer), two branches rather than one ``OR`` of two
#: ``EXISTS``: the ``OR`` made PostgreSQL read every event of every
#: consultant in the days around the week and test each one (10,000 events
#: read for a page of 10), and its cost estimate made it compile the query
#: with JIT, some 400 ms a page once the tables had statistics (README,
#: "Benchmark"). The consultants are ``NOT MATERIALIZED`` so that the planner
#: sees each one's partner and user, and reads their attendee rows and
#: events by the indexes of ``calendar.event``'s ``init``.
BUSY_QUERY = """
            WITH consultant(user_id, partner_id, tz) AS NOT MATERIALIZED (
                VALUES {values}
            ),
            consultant_event AS (
                SELECT c.user_id, c.tz, e.allday, e.start_date, e.stop_date,
                       e.start, e.stop
                  FROM consultant c
                  JOIN calendar_attendee a
                    ON a.partner_id = c.partner_id
                   AND a.state != 'declined'
                  JOIN calendar_event e ON e.id = a.event_id
                 WHERE {busy_event}
                UNION ALL
                SELECT c.user_id, c.tz, e.allday, e.start_date, e.stop_date,
                       e.start, e.stop
                  FROM consultant c
                  JOIN calendar_event e ON e.user_id = c.user_id
                 WHERE {busy_event}
                   AND NOT EXISTS (SELECT 1 FROM calendar_attendee a
                                    WHERE a.event_id = e.id
                                      AND a.partner_id = c.partner_id)
            ),
            busy AS (
                SELECT user_id,
                       CASE WHEN allday THEN tsrange(
                                (start_date::timestamp AT TIME ZONE tz)
                                    AT TIME ZONE 'UTC',
                                ((stop_date + 1)::timestamp AT TIME ZONE tz)
                                    AT TIME ZONE 'UTC')
                            ELSE tsrange(start, stop)
                       END AS span
                  FROM consultant_event
                UNION ALL
                SELECT b.consultant_id, tsrange(b.start, b.stop)
                  FROM support_booking b
                  JOIN consultant c ON c.user_id = b.consultant_id
                 WHERE b.state = 'booked'
                   AND b.start < %(date_to)s AND b.stop > %(date_from)s
                   AND b.id != %(exclude)s
            )
            SELECT user_id, lower(span) + %(duration)s, upper(span)
              FROM (SELECT user_id,
                           range_agg(tsrange(lower(span) - %(duration)s, upper(span)))
                               AS spans
                      FROM busy
                     WHERE span && tsrange(%(date_from)s, %(date_to)s)
                  GROUP BY user_id) merged,
                   unnest(merged.spans) AS span
"""


class SupportBooking(models.Model):
    """The calendar event of a booked session, and busy time."""

    # A concern of the booking in a file of its own (STYLE.md, "Layout").
    _inherit = "support.booking"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _create_event(self, vals):
        """The calendar event of a booking about to be created: the
        consultant and the client's person as attendees (both accepted: the
        client chose the time in the consultant's free time), busy, with an
        Odoo Discuss video call. The booking is its document once it exists.

        :param dict vals: the booking's values (complete, see ``create``)
        """
        contract = self.env["support.contract"].browse(vals["contract_id"])
        consultant = self.env["res.users"].browse(vals["consultant_id"])
        attendees = consultant.partner_id | self.env["res.partner"].browse(
            vals["contact_id"]
        )
        event = (
            self.env["calendar.event"]
            .sudo()
            .with_context(
                no_mail_to_attendees=True,
                mail_create_nosubscribe=True,
                support_booking_sync=True,
            )
            .create(
                {
                    "name": contract._get_booking_event_name(),
                    "start": vals["start"],
                    "stop": vals["stop"],
                    "duration": vals["duration"],
                    "user_id": consultant.id,
                    "partner_ids": [Command.set(attendees.ids)],
                    "attendee_ids": [
                        Command.create({"partner_id": partner.id, "state": "accepted"})
                        for partner in attendees
                    ],
                    "show_as": "busy",
                    "description": contract._get_booking_event_description(),
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                }
            )
        )
        event._set_discuss_videocall_location()
        return event

    def _sync_event(self):
        """The event follows a moved booking; both attendees stay accepted."""
        self.ensure_one()
        event = self.event_id.sudo().with_context(
            no_mail_to_attendees=True, support_booking_sync=True
        )
        if not event:
            # Deleted from the calendar by hand: a new one.
            event = self._create_event(
                {
                    "contract_id": self.contract_id.id,
                    "consultant_id": self.consultant_id.id,
                    "contact_id": self.contact_id.id,
                    "start": self.start,
                    "stop": self.stop,
                    "duration": self.duration,
                }
            )
            event.with_context(support_booking_sync=True).res_id = self.id
            self.with_context(support_booking_sync=True).event_id = event
            return
        attendees = self.consultant_id.partner_id | self.contact_id
        event.write(
            {
                "start": self.start,
                "stop": self.stop,
                "duration": self.duration,
                "user_id": self.consultant_id.id,
                "partner_ids": [Command.set(attendees.ids)],
            }
        )
        event.attendee_ids.write({"state": "accepted"})

    def _get_event_name(self):
        self.ensure_one()
        return self.contract_id._get_booking_event_name()

    @api.model
    def _get_busy_intervals(
        self, user_tzs, date_from, date_to, exclude=None, duration=None
    ):
        """The busy time of ``users`` between two moments, merged, from one
        query whatever the number of events: their calendar events (as an
        attendee who did not decline, or as the organizer), all-day events
        over whole days of their time zone, and their booked sessions.

        Only start and end are read: private events stay private (the
        portal shows free time, never an event).

        With a session ``duration``, busy times closer than it are merged by
        the database: no session fits between them, and a day of thousands
        of short events comes back as a few intervals (a session starting at
        ``t`` collides with ``[s, e)`` when ``s - duration < t < e``; the
        union of those start ranges, moved back by the duration, is returned).

        :param dict user_tzs: ``{res.users: time zone name}`` of the
            consultants (all-day events take their whole days there)
        :param date_from: naive UTC datetime
        :param date_to: naive UTC datetime
        :param exclude: a ``support.booking`` whose time is not busy (the one
            being moved)
        :param timedelta duration: the length of the sessions sought
        :return: ``{user id: [(start, stop)]}`` aware UTC datetimes
        """
        duration = duration or timedelta(0)
        result = {user.id: [] for user in user_tzs}
        if not user_tzs:
            return result
        exclude = exclude or self.browse()
        rows = [
            (user.id, user.sudo().partner_id.id, tz) for user, tz in user_tzs.items()
        ]
        values = ", ".join(
            f"(%(user{i})s, %(partner{i})s, %(tz{i})s)" for i in range(len(rows))
        )
        params = {
            "date_from": date_from,
            "date_to": date_to,
            "exclude": exclude.id or 0,
            "duration": duration,
        }
        for i, (user_id, partner_id, tz) in enumerate(rows):
            params.update(
                {f"user{i}": user_id, f"partner{i}": partner_id, f"tz{i}": tz}
            )
        # The bookings' own events (their document is the booking) are
        # counted through the bookings: a column test rather than a join, and
        # a moved booking frees its old time at once.
        self.env["calendar.event"].flush_model(
            [
                "start",
                "stop",
                "allday",
                "start_date",
                "stop_date",
                "active",
                "show_as",
                "res_model",
                "user_id",
            ]
        )
        self.env["calendar.attendee"].flush_model(["event_id", "partner_id", "state"])
        self.flush_model(["consultant_id", "start", "stop", "state", "event_id"])
        self.env.cr.execute(
            BUSY_QUERY.format(values=values, busy_event=BUSY_EVENT), params
        )
        for user_id, start, stop in self.env.cr.fetchall():
            result[user_id].append((pytz.utc.localize(start), pytz.utc.localize(stop)))
        return result
