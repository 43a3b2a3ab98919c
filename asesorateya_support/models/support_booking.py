# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
import uuid
from datetime import datetime, timedelta

import pytz
from babel.dates import format_date as babel_format_date
from markupsafe import Markup
from psycopg2.errors import ExclusionViolation

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime, mute_logger, plaintext2html

from ..utils import (
    check_datetime_values,
    check_id_values,
    check_number_values,
    check_text,
    check_text_values,
    to_datetime,
)
from .batch import commit_batch

try:
    import vobject
except ImportError:  # pragma: no cover - a requirement of Odoo itself
    vobject = None

_logger = logging.getLogger(__name__)

#: A booking holds its consultant's time while it is ``booked``.
BOOKING_STATES = [
    ("booked", "Booked"),
    ("done", "Held"),
    ("no_show", "Client absent"),
    ("cancelled", "Session cancelled"),
]
#: The emails of a booking to the client, posted on its contract.
MAIL_CONFIRMED = "asesorateya_support.mail_template_booking_confirmed"
MAIL_RESCHEDULED = "asesorateya_support.mail_template_booking_rescheduled"
MAIL_CANCELLED = "asesorateya_support.mail_template_booking_cancelled"
MAIL_REMINDER = "asesorateya_support.mail_template_booking_reminder"
MAIL_REMINDER_CONSULTANT = (
    "asesorateya_support.mail_template_booking_reminder_consultant"
)
#: Odoo's own calendar emails, sent to the consultant (internal user).
CALENDAR_INVITATION = "calendar.calendar_template_meeting_invitation"
CALENDAR_CHANGED = "calendar.calendar_template_meeting_changedate"
#: The scheduled action that sends the reminders.
REMINDER_CRON = "asesorateya_support.ir_cron_booking_reminders"


class SlotTakenError(UserError):
    """The slot was booked by someone else a moment before."""


class SupportBooking(models.Model):
    """A session of a contract booked in a consultant's calendar.

    While ``booked`` it holds the consultant's time: the database refuses two
    booked sessions of one consultant that overlap (an exclusion
    constraint), whatever the door and however many workers book at once.
    Its calendar event carries the attendees and the video call; the client
    is emailed on the contract's chatter (with an ``.ics``), the consultant
    gets Odoo's calendar invitation.
    """

    _name = "support.booking"
    _description = "Support Session Booking"
    _inherit = ["mail.thread"]
    _order = "start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["contract_id", "partner_id"]

    contract_id = fields.Many2one(
        "support.contract",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    # Precomputed, like every value of a new booking: its row is written
    # once, by the INSERT (see ``create``).
    partner_id = fields.Many2one(
        related="contract_id.partner_id",
        store=True,
        index=True,
        string="Client",
        precompute=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Attendee",
        help="The client's person who attends: who booked, else who bought.",
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, precompute=True
    )
    plan_id = fields.Many2one(
        related="contract_id.plan_id", store=True, precompute=True
    )
    kind = fields.Selection(related="contract_id.kind", store=True, precompute=True)
    consultant_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    start = fields.Datetime(required=True, index=True, tracking=True)
    stop = fields.Datetime(required=True, tracking=True)
    duration = fields.Float(
        string="Length (hh:mm)",
        required=True,
        help="The plan's session length when it was booked.",
    )
    state = fields.Selection(
        BOOKING_STATES,
        default="booked",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    channel = fields.Selection(
        [("portal", "Client (portal or email link)"), ("backend", "Consultancy")],
        string="Booked by",
        default="backend",
        readonly=True,
    )
    event_id = fields.Many2one(
        "calendar.event",
        string="Calendar event",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    videocall_url = fields.Char(
        string="Video call", related="event_id.videocall_location", related_sudo=True
    )
    session_ids = fields.One2many("support.session", "booking_id", string="Logs")
    cancel_reason = fields.Text(readonly=True, copy=False)
    cancelled_by = fields.Selection(
        [("client", "The client"), ("consultancy", "The consultancy")],
        readonly=True,
        copy=False,
    )
    date_cancelled = fields.Datetime(string="Cancelled on", readonly=True, copy=False)
    reschedule_count = fields.Integer(string="Moved", readonly=True, copy=False)
    reminder_state = fields.Selection(
        [("queued", "Waiting"), ("sent", "Sent")],
        string="Reminder",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The reminder of the session to the client and the consultant, "
        "sent once by the scheduled action 'Support: send booking reminders' "
        "when its time comes; moving the session queues a new one.",
    )
    reminder_date = fields.Datetime(readonly=True, copy=False)
    ics_uid = fields.Char(readonly=True, copy=False)
    needs_log = fields.Boolean(
        string="Needs a log",
        compute="_compute_needs_log",
        search="_search_needs_log",
        help="Booked, its time has come, and no log or absence was recorded.",
    )

    _sql_constraints = [
        (
            "stop_after_start",
            "CHECK(stop > start)",
            "A session ends after it starts.",
        ),
        (
            "duration_bounds",
            "CHECK(duration > 0 AND duration <= 24)",
            "A session lasts more than 0 and at most 24 hours.",
        ),
        # The database itself keeps a consultant from being booked twice at
        # once: an index over (consultant, time range) of the booked
        # sessions, built-in range types only (no extension needed).
        (
            "consultant_no_overlap",
            "EXCLUDE USING gist (int4range(consultant_id, consultant_id, '[]') "
            "WITH &&, tsrange(start, stop) WITH &&) WHERE (state = 'booked')",
            "This consultant already has a session booked at that time.",
        ),
    ]

    @api.depends("state", "stop")
    def _compute_needs_log(self):
        now = fields.Datetime.now()
        for booking in self:
            booking.needs_log = booking.state == "booked" and booking.stop <= now

    def _search_needs_log(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search bookings needing a log with = True or = False."))
        domain = [("state", "=", "booked"), ("stop", "<=", fields.Datetime.now())]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends("contract_id.name", "start")
    def _compute_display_name(self):
        for booking in self:
            when = booking.start and format_datetime(
                self.env, booking.start, dt_format="yyyy-MM-dd HH:mm"
            )
            parts = [booking.contract_id.name, when]
            booking.display_name = " · ".join(part for part in parts if part)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def _check_input_values(self, vals):
        """Refuse ids, moments and lengths of the wrong type, before anything
        reads them (see ``odoo.addons.asesorateya_support.utils``)."""
        check_id_values(self, vals, ("contract_id", "consultant_id", "contact_id"))
        check_datetime_values(self, vals, ("start", "stop"))
        check_number_values(self, vals, ("duration",))
        check_text_values(self, vals, ("cancel_reason",))

    @api.model_create_multi
    def create(self, vals_list):
        """Book sessions: each one is checked against what its contract
        still gives (``support.contract._check_booking_allowed``) and, in the
        database, against the consultant's other bookings.

        :raise SlotTakenError: the consultant was booked at that time
        """
        self.check_access_rights("create")
        Contract = self.env["support.contract"]
        now = fields.Datetime.now()
        for vals in vals_list:
            self._check_input_values(vals)
            contract = Contract.browse(vals.get("contract_id")).exists()
            if not contract:
                raise ValidationError(_("Book a session on an existing contract."))
            start = to_datetime(vals.get("start"), _("The start"))
            if not start:
                raise ValidationError(_("Give the session's start."))
            if start <= now:
                raise ValidationError(
                    _("A session is booked ahead: its start has passed.")
                )
            duration = vals.get("duration") or contract.plan_id.session_length
            if not 0 < duration <= 24:
                raise ValidationError(
                    _("A session lasts more than 0 and at most 24 hours.")
                )
            vals.update(
                start=start,
                duration=duration,
                stop=start + timedelta(hours=duration),
                ics_uid=vals.get("ics_uid") or uuid.uuid4().hex,
            )
            if not vals.get("consultant_id"):
                vals["consultant_id"] = contract._get_booking_consultants()[:1].id
            if not vals["consultant_id"]:
                raise ValidationError(_("Name the consultant of the session."))
            if not vals.get("contact_id"):
                vals["contact_id"] = contract._get_client_contact().id
            vals.update(self._reminder_values(contract, start))
        contracts = Contract.browse({vals["contract_id"] for vals in vals_list})
        # Two bookings of one contract are serialised here (see the method).
        contracts._lock_for_booking()
        try:
            # A booking that loses a race is refused with a message, not
            # logged as a failed query. Its row is written once, by the
            # INSERT (its event made first): an UPDATE of it in the same
            # transaction would check the exclusion constraint again, and a
            # concurrent booking of the same time waiting for this one would
            # deadlock with it.
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                for vals in vals_list:
                    vals["event_id"] = self._create_event(vals).id
                bookings = super(
                    SupportBooking, self.with_context(mail_create_nolog=True)
                ).create(vals_list)
                bookings.flush_recordset()
        except ExclusionViolation as error:
            raise SlotTakenError(self._slot_taken_message()) from error
        bookings = bookings.with_env(self.env)
        bookings._check_contract_bookings()
        for booking in bookings:
            booking.event_id.sudo().with_context(
                support_booking_sync=True
            ).res_id = booking.id
            booking._trigger_reminder()
            booking._send_client_mail(MAIL_CONFIRMED)
            booking._notify_consultant_calendar(CALENDAR_INVITATION)
        return bookings

    def write(self, vals):
        self.check_access_rights("write")
        self._check_input_values(vals)
        changing = {
            "contract_id",
            "start",
            "stop",
            "duration",
            "consultant_id",
            "state",
        } & set(vals)
        if changing and not self.env.context.get("support_booking_sync"):
            # What the client was told changes only through the actions,
            # which tell them the new time or why.
            raise UserError(
                _(
                    "Move or cancel a booking with its buttons: the client is "
                    "told the new time and the reason."
                )
            )
        if not changing:
            return super().write(vals)
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                result = super().write(vals)
                self.flush_recordset()
        except ExclusionViolation as error:
            raise SlotTakenError(self._slot_taken_message()) from error
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _(
                "Bookings are part of the client's history and are never "
                "deleted: cancel it instead, with a reason."
            )
        )

    @api.model
    def _slot_taken_message(self):
        return _(
            "Someone booked that time a moment ago. Choose another one among "
            "the free times shown now."
        )

    def _check_contract_bookings(self):
        """A contract's bookings after a change: each still within what the
        contract gives (two bookings made in one call count together)."""
        for booking in self:
            booking.contract_id._check_booking_allowed(
                booking.start, booking.duration, booking=booking
            )

    # ------------------------------------------------------------------
    # Actions of the client (portal, email link)
    # ------------------------------------------------------------------
    def _check_client_notice(self, action):
        """The client changes a booking up to the notice of its contract's
        policy version (``booking_notice_hours``)."""
        self.ensure_one()
        self._check_booked(action)
        notice = self.contract_id._get_booking_notice_hours()
        if fields.Datetime.now() > self.start - timedelta(hours=notice):
            raise UserError(
                _(
                    "Sessions are moved or cancelled up to %(hours)s hours "
                    "before they start: write to us and we will see what can "
                    "be done.",
                    hours=notice,
                )
            )

    def _check_booked(self, action):
        self.ensure_one()
        if self.state != "booked":
            raise UserError(
                _(
                    "%(action)s is not possible: the session's status is '%(state)s'.",
                    action=action,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )

    def action_portal_reschedule(self, start):
        """Move this session to ``start``, as the client asks (portal).

        ``start`` must be one of the free times the booking page offers; the
        consultant may change when another one is free then.

        :param datetime start: the new start (naive UTC)
        :return: this booking
        """
        self.ensure_one()
        self._check_client_notice(_("Rescheduling"))
        start = to_datetime(start, _("The new start"))
        consultant = self.contract_id._pick_booking_consultant(start, booking=self)
        self._move(start, consultant)
        self._post_change_note(
            _(
                "%(who)s rescheduled the session to %(when)s.",
                who=self.contact_id.name or self.partner_id.name,
                when=self._format_start(),
            )
        )
        self._send_client_mail(MAIL_RESCHEDULED)
        self._notify_consultant_calendar(CALENDAR_CHANGED)
        return self

    def action_portal_cancel(self, reason=None):
        """Cancel this session, as the client asks (portal): its time is free
        again and the contract books another one.

        :param str reason: why, if the client says
        :return: this booking
        """
        self.ensure_one()
        self._check_client_notice(_("Cancelling"))
        check_text(reason, _("The reason"))
        self._cancel((reason or "").strip() or None, "client")
        self._notify_consultant(
            _(
                "%(client)s cancelled the session of %(when)s.%(reason)s",
                client=self.contact_id.name or self.partner_id.name,
                when=self._format_start(tz=self.consultant_id.tz),
                reason=(" " + self.cancel_reason) if self.cancel_reason else "",
            )
        )
        return self

    # ------------------------------------------------------------------
    # Actions of the consultancy (backend)
    # ------------------------------------------------------------------
    def action_reschedule(self, start, reason, consultant=None):
        """Move this session, as the consultancy decides; the client is told
        the reason. No notice applies and any free time of the consultant
        will do (the database refuses an overlap).

        :param start: the new start (naive UTC datetime or its text)
        :param str reason: why, told to the client (required)
        :param consultant: a ``res.users``, default the same
        :return: this booking
        """
        self.ensure_one()
        self._check_consultancy_change(_("Rescheduling"), reason)
        start = to_datetime(start, _("The new start"))
        if not start or start <= fields.Datetime.now():
            raise UserError(_("Move the session to a time to come."))
        self._move(start, consultant or self.consultant_id)
        self._post_change_note(
            _(
                "The session was moved to %(when)s. Reason: %(reason)s",
                when=self._format_start(),
                reason=reason.strip(),
            )
        )
        self._send_client_mail(MAIL_RESCHEDULED, reason=reason.strip())
        self._notify_consultant_calendar(CALENDAR_CHANGED)
        return self

    def action_cancel(self, reason):
        """Cancel this session, as the consultancy decides; the client is
        told the reason and books another time.

        :param str reason: why, told to the client (required)
        :return: this booking
        """
        self.ensure_one()
        self._check_consultancy_change(_("Cancelling"), reason)
        self._cancel(reason.strip(), "consultancy")
        return self

    def _check_consultancy_change(self, action, reason):
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        self._check_booked(action)
        check_text(reason, _("The reason"))
        if not (reason or "").strip():
            raise UserError(_("Say why: the client reads the reason."))

    def action_open_change(self):
        """Open the form that moves or cancels this booking with a reason."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Move or cancel %(booking)s", booking=self.display_name),
            "res_model": "support.booking.change",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_booking_id": self.id,
                "default_action": self.env.context.get("booking_action", "move"),
            },
        }

    def action_log_session(self):
        """Open the session log prefilled from this booking: contract, day,
        length, videoconference, consultant. Saving it marks the booking
        held (and starts the service, policy §10)."""
        self.ensure_one()
        self._check_booked(_("Logging the session"))
        if self.start > fields.Datetime.now():
            raise UserError(_("Log the session once its time has come."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Log session"),
            "res_model": "support.session",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_contract_id": self.contract_id.id,
                "default_booking_id": self.id,
                "default_user_id": self.consultant_id.id,
                "default_date": fields.Date.to_string(self._local_start_date()),
                "default_duration": self.duration,
                "default_modality": "videoconference",
            },
        }

    def action_mark_no_show(self):
        """The client did not attend and did not cancel in time: the session
        counts as held (README, policy: "No-show").

        A log of the session's length, on the day, is recorded (the client
        gets its summary, as after any session): it consumes the hours, or
        the meeting of the cycle, and starts the service (§10). When nothing
        is left to consume, the booking is only marked. A consultant who
        forgives the absence cancels the booking with a reason instead.

        :return: the ``support.session`` logged, possibly empty
        """
        self.ensure_one()
        self._check_booked(_("Recording the absence"))
        if self.start > fields.Datetime.now():
            raise UserError(_("An absence is recorded once the session's time came."))
        contract = self.contract_id
        day = self._local_start_date()
        allowed, used, period = contract._get_balance_for(day)
        duration = min(self.duration, max(allowed - used, 0.0))
        if contract.kind == "monthly" and not period:
            # The first meeting of a retainer not started yet: its log opens
            # the first cycle (policy §10).
            duration = self.duration
        if duration <= 0:
            self.with_context(support_booking_sync=True).state = "no_show"
            self._post_change_note(_("The client did not attend the session."))
            return self.env["support.session"]
        lang = contract._get_explanation_lang()
        notice = contract._get_booking_notice_hours()
        texts = self.with_context(lang=lang)
        return (
            self.env["support.session"]
            .with_context(support_booking_no_show=True)
            .create(
                {
                    "contract_id": contract.id,
                    "booking_id": self.id,
                    "user_id": self.consultant_id.id,
                    "date": self._local_start_date(),
                    "duration": duration,
                    "modality": "videoconference",
                    "progress": "waiting_client",
                    "objective": texts._no_show_objective(),
                    "activity": texts._no_show_activity(notice),
                }
            )
        )

    def _no_show_objective(self):
        # ``_()`` reads the language from ``self`` (the client's).
        return _("Session booked for %(when)s", when=self._format_start())

    def _no_show_activity(self, notice):
        return _(
            "The client did not attend and did not cancel or reschedule at "
            "least %(hours)s hours before: the session counts as held "
            "(booking policy).",
            hours=notice,
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _move(self, start, consultant):
        """Give this booking a new start (and consultant): the contract must
        still allow it and the consultant be free (database)."""
        self.ensure_one()
        self.contract_id._lock_for_booking()
        stop = start + timedelta(hours=self.duration)
        # One UPDATE of the row (see ``create``).
        self.with_context(support_booking_sync=True).write(
            dict(
                {
                    "start": start,
                    "stop": stop,
                    "consultant_id": consultant.id,
                    "reschedule_count": self.reschedule_count + 1,
                },
                **self._reminder_values(self.contract_id, start),
            )
        )
        self._check_contract_bookings()
        self._sync_event()
        self._trigger_reminder()

    def _cancel(self, reason, by):
        self.ensure_one()
        self.contract_id._lock_for_booking()
        self.with_context(support_booking_sync=True).write(
            {
                "state": "cancelled",
                "cancel_reason": reason,
                "cancelled_by": by,
                "date_cancelled": fields.Datetime.now(),
                "reminder_state": False,
            }
        )
        if self.event_id:
            self.event_id.sudo().with_context(support_booking_sync=True).write(
                {"active": False}
            )
        self._send_client_mail(
            MAIL_CANCELLED, reason=reason if by != "client" else None
        )

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
    def _reminder_values(self, contract, start):
        """The reminder of a session of ``contract`` starting at ``start``:
        the company's hours before, unless that time has passed (a session
        booked or moved that late was just confirmed by email).

        :return: the values of ``reminder_state`` and ``reminder_date``
        """
        hours = contract.sudo().company_id.support_booking_reminder_hours
        when = start - timedelta(hours=hours)
        if when <= fields.Datetime.now():
            return {"reminder_state": False, "reminder_date": False}
        return {"reminder_state": "queued", "reminder_date": when}

    def _trigger_reminder(self):
        """Have the reminder action run when this reminder is due."""
        self.ensure_one()
        cron = self.env.ref(REMINDER_CRON, raise_if_not_found=False)
        if cron and self.reminder_state == "queued":
            cron.sudo()._trigger(at=self.reminder_date)

    def _local_start_date(self):
        """The day of the session where the consultancy works (the day its
        log is dated with)."""
        self.ensure_one()
        tz = pytz.timezone(self.company_id._support_booking_tz())
        return pytz.utc.localize(self.start).astimezone(tz).date()

    def _get_client_tz(self):
        self.ensure_one()
        return self.contract_id._get_booking_tz(self.contact_id)

    def _format_start(self, tz=None, lang=None):
        """The session's start as the client reads it: the full date and the
        time in the client's time zone (``lunes, 6 de abril de 2026, 10:00
        (America/Santiago)``).

        :param str tz: another time zone (the consultant's)
        :param str lang: another language (default: the context's, else the
            client's)
        """
        self.ensure_one()
        tz = tz or self._get_client_tz()
        lang = lang or self.env.context.get("lang") or self.env.lang or "en_US"
        local = pytz.utc.localize(self.start).astimezone(pytz.timezone(tz))
        day = babel_format_date(local.date(), format="full", locale=lang)
        return f"{day}, {local:%H:%M} ({tz})"

    def _format_start_client(self):
        """:meth:`_format_start` in the client's language (emails)."""
        self.ensure_one()
        return self._format_start(lang=self.contract_id._get_explanation_lang())

    def _get_mail_recipient(self):
        """Who the client's emails about this booking go to: the person who
        attends when they have an email, else the contract's recipient."""
        self.ensure_one()
        if self.contact_id.email:
            return self.contact_id
        return self.contract_id._get_mail_partner()

    def _get_manage_url(self):
        """The booking page of the contract, with its access token (emails)."""
        self.ensure_one()
        contract = self.contract_id.sudo()
        return contract.get_base_url() + contract._get_booking_page_path()

    def _get_case_url(self):
        """The contract's case form (policy §9), with the access token."""
        self.ensure_one()
        contract = self.contract_id.sudo()
        return contract.get_base_url() + contract.get_portal_url(anchor="case")

    def _needs_case_reminder(self):
        """A diagnosis or incident whose client has not sent the case yet
        (policy §2, §9)."""
        self.ensure_one()
        contract = self.contract_id
        return contract.kind in ("diagnosis", "incident") and not (
            contract.sudo().date_case_sent
        )

    def _get_ics(self, method="REQUEST"):
        """The session as an iCalendar file: the same ``UID`` for every
        version, a ``SEQUENCE`` that grows when it moves, ``METHOD:CANCEL``
        when it is cancelled, so the client's calendar app updates its copy.

        :return: bytes, or ``b""`` without the vobject library
        """
        self.ensure_one()
        if not vobject:
            return b""
        cal = vobject.iCalendar()
        cal.add("method").value = method
        event = cal.add("vevent")
        event.add("uid").value = f"{self.ics_uid}@asesorateya-support"
        event.add("sequence").value = str(
            self.reschedule_count + (1 if method == "CANCEL" else 0)
        )
        event.add("dtstamp").value = pytz.utc.localize(fields.Datetime.now())
        event.add("dtstart").value = pytz.utc.localize(self.start)
        event.add("dtend").value = pytz.utc.localize(self.stop)
        event.add("summary").value = self.sudo()._get_event_name()
        event.add("status").value = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
        if self.videocall_url:
            event.add("location").value = self.videocall_url
        event.add("description").value = _(
            "Manage the booking: %(url)s", url=self._get_manage_url()
        )
        organizer = self.consultant_id.sudo().partner_id
        if organizer.email:
            event.add("organizer").value = f"MAILTO:{organizer.email}"
            event.organizer.params["CN"] = [organizer.name]
        for partner in (organizer | self.contact_id.sudo()).filtered("email"):
            attendee = event.add("attendee")
            attendee.value = f"MAILTO:{partner.email}"
            attendee.params["CN"] = [partner.name]
        return cal.serialize().encode()

    def _send_client_mail(self, template_xmlid, reason=None):
        """Email the client about this booking through the mail queue, posted
        on the contract's chatter (the client's whole correspondence is
        there, in the portal) with the session's ``.ics``; a client with
        nobody to email gets an activity to reach them instead (as
        ``support.contract._send_client_mail``).

        :param str reason: the consultancy's reason, shown in the email
        """
        self.ensure_one()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return self.env["mail.message"]
        values = (
            template.sudo()
            .with_context(support_booking_reason=reason)
            ._generate_template(
                self.ids,
                ["subject", "body_html", "email_from", "partner_to"],
                find_or_create_partners=True,
            )[self.id]
        )
        contract = self.contract_id
        partners = self.env["res.partner"].sudo().browse(values.get("partner_ids"))
        reachable = partners.filtered("email")
        method = "CANCEL" if template_xmlid == MAIL_CANCELLED else "REQUEST"
        ics = self._get_ics(method)
        author = self._get_author()
        message = (
            contract.sudo()
            .with_context(mail_notify_force_send=False, mail_create_nosubscribe=True)
            .message_post(
                subject=values.get("subject"),
                body=values.get("body_html") or "",
                email_from=values.get("email_from") or None,
                author_id=author.id,
                partner_ids=reachable.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=[("sesion.ics", ics)] if ics else [],
                # The client who books is told too, as after a purchase.
                notify_author=author in reachable,
            )
        )
        if reachable:
            contract._trigger_mail_queue()
        else:
            contract._schedule_reach_client(values)
        return message

    def _get_author(self):
        """The author of a booking's messages: the user acting (a consultant,
        or a client in the portal); the client's person when acting by the
        email link (as the public user); else, for the scheduled actions,
        the consultant or the company."""
        self.ensure_one()
        user = self.env.user
        if user._is_public():
            return self.contact_id or self.contract_id._get_mail_author()
        if not user._is_superuser():
            return user.partner_id
        return self.contract_id._get_mail_author()

    def _notify_consultant_calendar(self, template_xmlid):
        """Odoo's calendar invitation (or change of date) to the consultant,
        with its ``.ics`` and accept/decline links, through the mail queue;
        not when the consultant acts themselves."""
        self.ensure_one()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        partner = self.consultant_id.partner_id
        attendees = self.event_id.sudo().attendee_ids.filtered(
            lambda attendee: attendee.partner_id == partner
        )
        if template and attendees:
            # The consultant organises the event: Odoo tells no author of
            # their own message unless asked to.
            attendees.with_context(mail_notify_author=True)._send_mail_to_attendees(
                template
            )

    def _notify_consultant(self, text):
        """A note to the consultant on this booking (email through the queue)."""
        self.ensure_one()
        partner = self.consultant_id.partner_id
        self.sudo().with_context(mail_notify_force_send=False).message_post(
            body=plaintext2html(text),
            partner_ids=partner.ids if partner != self.env.user.partner_id else [],
            author_id=self._get_author().id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _post_change_note(self, text):
        """The trail of a change on the booking (the team reads it)."""
        self.ensure_one()
        self.sudo().message_post(
            body=plaintext2html(text),
            author_id=self._get_author().id,
            subtype_xmlid="mail.mt_note",
        )

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
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        params = [value for row in rows for value in row]
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
            ]
        )
        self.env["calendar.attendee"].flush_model(["event_id", "partner_id", "state"])
        self.flush_model(["consultant_id", "start", "stop", "state", "event_id"])
        self.env.cr.execute(
            f"""
            WITH consultant(user_id, partner_id, tz) AS (VALUES {values}),
            busy AS (
                SELECT c.user_id,
                       CASE WHEN e.allday THEN tsrange(
                                (e.start_date::timestamp AT TIME ZONE c.tz)
                                    AT TIME ZONE 'UTC',
                                ((e.stop_date + 1)::timestamp AT TIME ZONE c.tz)
                                    AT TIME ZONE 'UTC')
                            ELSE tsrange(e.start, e.stop)
                       END AS span
                  FROM consultant c
                  JOIN calendar_event e
                    ON e.active
                   AND e.show_as = 'busy'
                   AND e.start < %s + interval '2 days'
                   AND e.stop > %s - interval '2 days'
                   AND (EXISTS (SELECT 1 FROM calendar_attendee a
                                 WHERE a.event_id = e.id
                                   AND a.partner_id = c.partner_id
                                   AND a.state != 'declined')
                        OR (e.user_id = c.user_id
                            AND NOT EXISTS (SELECT 1 FROM calendar_attendee a
                                             WHERE a.event_id = e.id
                                               AND a.partner_id = c.partner_id)))
                 WHERE e.res_model IS DISTINCT FROM 'support.booking'
                UNION ALL
                SELECT b.consultant_id, tsrange(b.start, b.stop)
                  FROM support_booking b
                  JOIN consultant c ON c.user_id = b.consultant_id
                 WHERE b.state = 'booked'
                   AND b.start < %s AND b.stop > %s
                   AND b.id != %s
            )
            SELECT user_id, lower(span) + %s, upper(span)
              FROM (SELECT user_id,
                           range_agg(tsrange(lower(span) - %s, upper(span)))
                               AS spans
                      FROM busy
                     WHERE span && tsrange(%s, %s)
                  GROUP BY user_id) merged,
                   unnest(merged.spans) AS span
            """,
            [
                *params,
                date_to,
                date_from,
                date_to,
                date_from,
                exclude.id or 0,
                duration,
                duration,
                date_from,
                date_to,
            ],
        )
        for user_id, start, stop in self.env.cr.fetchall():
            result[user_id].append((pytz.utc.localize(start), pytz.utc.localize(stop)))
        return result

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_reminders(self, batch_size=200):
        """Remind the client and the consultant of the sessions whose
        reminder time has come, once each (``reminder_state``), through the
        mail queue. Bookings are claimed under row locks, so two runs never
        send the same reminder; works in batches, committing each one outside
        tests and re-triggering itself while some are left.

        :return: the ``support.booking`` records reminded
        """
        now = fields.Datetime.now()
        due = self.search(
            [
                ("reminder_state", "=", "queued"),
                ("reminder_date", "<=", now),
                ("state", "=", "booked"),
            ],
            order="reminder_date, id",
            limit=batch_size,
        )
        bookings = self.browse()
        if due:
            self.env.cr.execute(
                """
                SELECT id FROM support_booking
                 WHERE id IN %s AND reminder_state = 'queued'
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                [tuple(due.ids)],
            )
            bookings = self.browse([row[0] for row in self.env.cr.fetchall()])
            bookings.invalidate_recordset(["reminder_state"])
            bookings = bookings.filtered(lambda b: b.reminder_state == "queued")
        for booking in bookings:
            booking._send_reminders()
        bookings.with_context(support_booking_sync=True).write(
            {"reminder_state": "sent"}
        )
        _logger.info("Support: %s booking reminders sent", len(bookings))
        if len(due) == batch_size:
            commit_batch(self.env)
            self.env.ref(REMINDER_CRON).sudo()._trigger()
        return bookings

    def _send_reminders(self):
        """The reminder to the client (on the contract, with the case form
        for a diagnosis or an incident, policy §9) and to the consultant."""
        self.ensure_one()
        self._send_client_mail(MAIL_REMINDER)
        template = self.env.ref(MAIL_REMINDER_CONSULTANT, raise_if_not_found=False)
        partner = self.consultant_id.partner_id
        if template and partner.email:
            values = template.sudo()._generate_template(
                self.ids, ["subject", "body_html"]
            )[self.id]
            self.sudo().with_context(mail_notify_force_send=False).message_notify(
                partner_ids=partner.ids,
                subject=values.get("subject"),
                body=values.get("body_html") or "",
                author_id=self.company_id.partner_id.id,
                email_layout_xmlid="mail.mail_notification_light",
            )
            self.env["support.contract"]._trigger_mail_queue()

    @api.model
    def _get_reason(self):
        """The consultancy's reason of a move or cancellation (emails)."""
        return self.env.context.get("support_booking_reason") or ""

    def _get_markup_reason(self):
        return Markup("<br/>").join((self._get_reason() or "").splitlines())

    @api.model
    def _datetime_from_local(self, day, hour, tz):
        """A naive UTC datetime from a day and an hour of ``tz`` (tests, demo)."""
        local = pytz.timezone(tz).localize(
            datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)
