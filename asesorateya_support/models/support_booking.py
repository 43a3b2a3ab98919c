# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The booked session: its fields, what creates, moves and cancels it, and
what the consultant records once its time has come.

Its calendar event and the consultants' busy time are in
``support_booking_calendar.py``; its emails, ``.ics`` and reminders in
``support_booking_mail.py``.
"""

import uuid
from datetime import timedelta

import pytz
from psycopg2.errors import ExclusionViolation

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime, mute_logger

from ..const import (
    BOOKING_CANCELLED_MAIL_TEMPLATE,
    BOOKING_CONFIRMED_MAIL_TEMPLATE,
    BOOKING_RESCHEDULED_MAIL_TEMPLATE,
    CALENDAR_CHANGED_MAIL_TEMPLATE,
    CALENDAR_INVITATION_MAIL_TEMPLATE,
)
from ..formatting import format_moment
from ..utils import (
    check_datetime_values,
    check_id_values,
    check_number_values,
    check_text,
    check_text_values,
    to_datetime,
)

#: A booking holds its consultant's time while it is ``booked``.
BOOKING_STATES = [
    ("booked", "Booked"),
    ("done", "Held"),
    ("no_show", "Client absent"),
    ("cancelled", "Session cancelled"),
]


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
            booking._send_client_mail(BOOKING_CONFIRMED_MAIL_TEMPLATE)
            booking._notify_consultant_calendar(CALENDAR_INVITATION_MAIL_TEMPLATE)
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
        self._send_client_mail(BOOKING_RESCHEDULED_MAIL_TEMPLATE)
        self._notify_consultant_calendar(CALENDAR_CHANGED_MAIL_TEMPLATE)
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
        self._send_client_mail(BOOKING_RESCHEDULED_MAIL_TEMPLATE, reason=reason.strip())
        self._notify_consultant_calendar(CALENDAR_CHANGED_MAIL_TEMPLATE)
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
            BOOKING_CANCELLED_MAIL_TEMPLATE, reason=reason if by != "client" else None
        )

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
        lang = lang or self.env.context.get("lang") or self.env.lang
        return format_moment(self.start, tz, lang)

    def _format_start_client(self):
        """:meth:`_format_start` in the client's language (emails)."""
        self.ensure_one()
        return self._format_start(lang=self.contract_id._get_explanation_lang())
