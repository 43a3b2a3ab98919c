# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import float_compare, plaintext2html

from ..const import (
    BOOKABLE_KINDS,
    BOOKABLE_STATES,
    DEFAULT_BOOKING_NOTICE_HOURS,
    SINGLE_SESSION_KINDS,
)
from ..formatting import format_day, format_hours
from ..policy import TOUCHING, free_slots
from ..utils import to_datetime


class SupportContract(models.Model):
    """The sessions a contract books: what it still gives, and when the
    consultants of its plan are free."""

    # A concern of the contract in a file of its own (STYLE.md, "Layout").
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited

    booking_ids = fields.One2many(
        "support.booking", "contract_id", string="Booked sessions"
    )
    booking_count = fields.Integer(compute="_compute_booking_count")
    booking_next_start = fields.Datetime(
        string="Next booked session",
        compute="_compute_booking_next_start",
        store=True,
        help="The earliest session still booked (not held, missed or cancelled yet).",
    )
    date_case_sent = fields.Datetime(
        string="Case received on",
        readonly=True,
        copy=False,
        help="When the client last sent the case description and evidence "
        "from the portal (policy §9): the reminder before a diagnosis or an "
        "incident asks for them until then.",
    )

    def _compute_booking_count(self):
        data = self.env["support.booking"]._read_group(
            [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
        )
        counts = {contract.id: count for contract, count in data}
        for contract in self:
            contract.booking_count = counts.get(contract.id, 0)

    @api.depends("booking_ids.state", "booking_ids.start")
    def _compute_booking_next_start(self):
        for contract in self:
            starts = contract.booking_ids.filtered(
                lambda booking: booking.state == "booked"
            ).mapped("start")
            contract.booking_next_start = min(starts) if starts else False

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") in ("done", "cancelled"):
            # A closed contract takes no more sessions: the client is told
            # that the times booked are free again.
            now = fields.Datetime.now()
            for booking in self.booking_ids.filtered(
                lambda b: b.state == "booked" and b.start > now
            ):
                booking._cancel(
                    _(
                        "%(contract)s is closed: it takes no more sessions.",
                        contract=booking.contract_id.name,
                    ),
                    "consultancy",
                )
        return result

    # ------------------------------------------------------------------
    # What the client is sent
    # ------------------------------------------------------------------
    def _booking_enabled(self):
        """Whether clients book this contract's sessions in Odoo."""
        self.ensure_one()
        return bool(self.kind in BOOKABLE_KINDS and self.plan_id.booking_enabled)

    def _get_booking_page_path(self):
        """The booking page of this contract, with its access token."""
        self.ensure_one()
        return self.get_portal_url(suffix="/booking")

    def _get_booking_url(self):
        """Where the client books: the contract's booking page when its
        plan's sessions are booked in Odoo, else the plan's (or the
        company's) booking URL, else nothing."""
        self.ensure_one()
        if self._booking_enabled():
            return self.sudo().get_base_url() + self._get_booking_page_path()
        return super()._get_booking_url()

    def _get_booking_notice_hours(self):
        """The notice to reschedule or cancel: a term of the policy version
        that governs the contract (README, policy section)."""
        self.ensure_one()
        version = self.sudo().policy_version_id
        return version.booking_notice_hours if version else DEFAULT_BOOKING_NOTICE_HOURS

    def _get_booking_tz(self, partner=None):
        """The client's time zone: the person's, else the buyer's, else the
        client company's, else the consultancy's.

        :param partner: the ``res.partner`` who books, if known
        :return: a time zone name pytz knows
        """
        self.ensure_one()
        sudo = self.sudo()
        for candidate in (
            partner,
            sudo._get_client_contact(),
            sudo.partner_id,
        ):
            if candidate and candidate.tz in pytz.all_timezones_set:
                return candidate.tz
        return sudo.company_id._support_booking_tz()

    def _get_booking_consultants(self):
        """The consultants who take this contract's bookings: the contract's
        own consultant first when the plan names them.

        :return: ``res.users`` (sudo), possibly empty
        """
        self.ensure_one()
        consultants = self.sudo().plan_id.booking_consultant_ids.filtered(
            lambda user: user.active and self.company_id in user.company_ids
        )
        first = consultants & self.sudo().user_id
        return first | (consultants - first)

    def _get_booking_event_name(self):
        """The name of a booked session's event: plan, client, contract."""
        self.ensure_one()
        contract = self.sudo()
        plan = contract.plan_id.with_context(lang=contract._get_explanation_lang())
        return f"{plan.name} · {contract.partner_id.name} ({contract.name})"

    def _get_booking_event_description(self):
        """The description of a booked session's event (the team reads it)."""
        self.ensure_one()
        lines = [
            _("Contract %(contract)s", contract=self.name),
            _(
                "Manage the booking: %(url)s",
                url=self.sudo().get_base_url() + self._get_booking_page_path(),
            ),
        ]
        return plaintext2html("\n".join(lines))

    # ------------------------------------------------------------------
    # What the contract still gives
    # ------------------------------------------------------------------
    def _lock_for_booking(self):
        """Serialise the bookings of these contracts.

        The row is updated (to itself), not only locked: under Odoo's
        repeatable-read transactions, a booking that waited for another
        would otherwise count the sessions booked as they were when it
        began. With the update, the second one fails with a serialization
        error, which Odoo retries: it then sees the first booking.
        """
        if self.ids:
            self.env.cr.execute(
                "UPDATE support_contract SET write_date = write_date WHERE id IN %s",
                [tuple(self.ids)],
            )

    def _booking_local_date(self, start):
        """The day of ``start`` (naive UTC) where the consultancy works."""
        self.ensure_one()
        tz = pytz.timezone(self.company_id._support_booking_tz())
        return pytz.utc.localize(start).astimezone(tz).date()

    def _get_booking_refusal(self, start=None, duration=None, booking=None):
        """Why this contract cannot book a session (now, or at ``start``).

        A diagnosis or an incident books its one session; an hour bag books
        while its hours left, minus the sessions already booked, cover the
        session (and within its validity); a monthly retainer books the
        meetings its current cycle includes (before its first cycle, its
        first meeting, which begins it).

        :param start: the session's start (naive UTC), if known
        :param float duration: its length (default: the plan's)
        :param booking: the ``support.booking`` being checked or moved: it is
            not counted among the others
        :return: the reason, in the user's language, or ``None``
        """
        self.ensure_one()
        contract = self.sudo()
        if contract.kind not in BOOKABLE_KINDS:
            return _("A project has no sessions to book.")
        if contract.state not in BOOKABLE_STATES:
            state = dict(self._fields["state"]._description_selection(self.env))
            return _(
                "%(contract)s is %(state)s: no session can be booked on it.",
                contract=contract.name,
                state=state[contract.state].lower(),
            )
        duration = duration or contract.plan_id.session_length
        others = contract.booking_ids.filtered(
            lambda b: b.state == "booked" and b != booking
        )
        day = start and contract._booking_local_date(start)
        if contract.kind in SINGLE_SESSION_KINDS:
            if contract.session_ids or contract.booking_ids.filtered(
                lambda b: b.state in ("done", "no_show") and b != booking
            ):
                return _(
                    "The session of %(contract)s was held.", contract=contract.name
                )
            if others:
                return _(
                    "Your session is already booked: %(when)s. Reschedule it "
                    "if you need another time.",
                    when=others[:1]._format_start(),
                )
        elif contract.kind == "hour_bag":
            booked = sum(others.mapped("duration"))
            left = contract.hours_remaining - booked
            if float_compare(left, duration, precision_digits=4) < 0:
                return _(
                    "%(left)s h are left on %(contract)s, %(booked)s h of them "
                    "already booked: not enough for a session of %(duration)s "
                    "h. Write to us to agree on more hours.",
                    left=format_hours(contract.hours_remaining),
                    booked=format_hours(booked),
                    contract=contract.name,
                    duration=format_hours(duration),
                )
            if day and contract.date_expiry and day > contract.date_expiry:
                return _(
                    "%(contract)s can be used until %(date)s: book a session "
                    "before then.",
                    contract=contract.name,
                    date=format_day(self.env, contract.date_expiry),
                )
        elif contract.kind == "monthly":
            return contract._get_meeting_refusal(day, others)
        return None

    def _get_meeting_refusal(self, day, others):
        """Why a monthly retainer cannot book a meeting (on ``day``)."""
        self.ensure_one()
        included = self.plan_id.meetings_per_month
        if included <= 0:
            return _("%(plan)s includes no meeting to book.", plan=self.plan_id.name)
        period = self.current_period_id
        if not period:
            if self.period_ids:
                return _(
                    "No cycle of %(contract)s is open: meetings are booked in "
                    "an open cycle.",
                    contract=self.name,
                )
            if others:
                return _(
                    "Your first meeting is booked: %(when)s. It begins your "
                    "first monthly cycle; its other meetings are booked then.",
                    when=others[:1]._format_start(),
                )
            return None
        if day and day > period.date_end:
            return _(
                "This cycle's meetings are booked until %(end)s; the next "
                "cycle's, once it begins.",
                end=format_day(self.env, period.date_end),
            )
        booked = others.filtered(
            lambda b: (
                period.date_start
                <= self._booking_local_date(b.start)
                <= period.date_end
            )
        )
        if period.meetings_used + len(booked) >= period.meetings_included:
            return _(
                "The %(count)s meetings of this cycle are held or booked "
                "(%(start)s to %(end)s).",
                count=period.meetings_included,
                start=format_day(self.env, period.date_start),
                end=format_day(self.env, period.date_end),
            )
        return None

    def _check_booking_allowed(self, start=None, duration=None, booking=None):
        """Raise :meth:`_get_booking_refusal`'s reason, if any."""
        refusal = self._get_booking_refusal(start, duration, booking)
        if refusal:
            raise UserError(refusal)

    # ------------------------------------------------------------------
    # When the consultants are free
    # ------------------------------------------------------------------
    def _get_booking_window(self):
        """The moments between which clients book: now plus the company's
        lead time, now plus its horizon (aware UTC)."""
        self.ensure_one()
        company = self.company_id.sudo()
        now = pytz.utc.localize(fields.Datetime.now())
        return (
            now + timedelta(hours=company.support_booking_lead_hours),
            now + timedelta(days=company.support_booking_horizon_days),
        )

    def _get_booking_slots(self, date_from, date_to, booking=None):
        """The free starts of a session of this contract between two moments.

        Each consultant of the plan: the working hours of their resource
        calendar (in its time zone), minus its time off and public holidays,
        minus their busy calendar events and booked sessions
        (``support.booking._get_busy_intervals``), cut into sessions of the
        plan's length that start on the company's slot step. The number of
        queries does not depend on the number of events.

        :param date_from: aware datetime
        :param date_to: aware datetime (the last start)
        :param booking: the ``support.booking`` being moved (its time is free)
        :return: ``{aware UTC start: [user ids free then]}``
        """
        self.ensure_one()
        consultants = self._get_booking_consultants()
        earliest, latest = self._get_booking_window()
        earliest, latest = max(date_from, earliest), min(date_to, latest)
        if not consultants or earliest > latest:
            return {}
        company = self.company_id.sudo()
        hours = booking.duration if booking else self.sudo().plan_id.session_length
        duration = timedelta(hours=hours)
        resources = {
            user: user._get_support_booking_resource(company) for user in consultants
        }
        user_tzs = {
            user: resource.tz or user.tz or "UTC"
            for user, resource in resources.items()
            if resource
        }
        naive = [
            moment.astimezone(pytz.utc).replace(tzinfo=None)
            for moment in (earliest, latest + duration)
        ]
        busy = self.env["support.booking"]._get_busy_intervals(
            user_tzs, *naive, exclude=booking, duration=duration
        )
        slots = {}
        by_calendar = {}
        for user, resource in resources.items():
            calendar = resource.calendar_id or company.resource_calendar_id
            if resource and calendar:
                by_calendar.setdefault(calendar, []).append((user, resource))
        for calendar, members in by_calendar.items():
            # A second beyond the last session's end: Odoo ends a working day
            # at 23:59:59.999999, so a session ending at midnight fits only
            # when the next day's first instant is read too (``free_slots``
            # joins them). Without it the page offers 23:00 on a calendar
            # around the clock and the booking of that one time refuses it.
            work = calendar._work_intervals_batch(
                earliest,
                latest + duration + TOUCHING,
                resources=self.env["resource.resource"]
                .sudo()
                .browse([resource.id for _user, resource in members]),
            )
            for user, resource in members:
                intervals = [
                    (start.astimezone(pytz.utc), stop.astimezone(pytz.utc))
                    for start, stop, _records in work[resource.id]
                ]
                for start in free_slots(
                    intervals,
                    busy.get(user.id, []),
                    duration,
                    company.support_booking_step_minutes,
                    earliest,
                    latest,
                    pytz.timezone(user_tzs[user]),
                ):
                    slots.setdefault(start, []).append(user.id)
        return slots

    def _pick_booking_consultant(self, start, booking=None):
        """The consultant free at ``start`` for a session of this contract:
        the one already booked (a move), else the contract's consultant,
        else the first of the plan's who is free.

        :param start: naive UTC datetime, one of the free starts offered
        :raise UserError: too soon, too far, or not free (any more)
        :return: a ``res.users``
        """
        self.ensure_one()
        start = to_datetime(start, _("The start"))
        if not start:
            raise UserError(_("Choose one of the free times shown."))
        moment = pytz.utc.localize(start)
        earliest, latest = self._get_booking_window()
        if moment < earliest:
            raise UserError(
                _(
                    "Sessions are booked at least %(hours)s hours ahead: "
                    "choose a later time.",
                    hours=self.company_id.sudo().support_booking_lead_hours,
                )
            )
        if moment > latest:
            raise UserError(
                _(
                    "Sessions are booked up to %(days)s days ahead: choose an "
                    "earlier time.",
                    days=self.company_id.sudo().support_booking_horizon_days,
                )
            )
        free = self._get_booking_slots(moment, moment, booking=booking).get(moment)
        if not free:
            raise UserError(
                _(
                    "That time is not free (any more): choose one of the free "
                    "times shown."
                )
            )
        users = self.env["res.users"].sudo().browse(free)
        preferred = (booking.consultant_id if booking else users.browse()) | (
            self.sudo().user_id
        )
        return (users & preferred)[:1] or users[:1]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_book(self, start, contact=None):
        """Book a session of this contract at ``start``, as the client asks
        (the booking page): one of the free times it offers.

        :param start: naive UTC datetime (or its text)
        :param contact: the ``res.partner`` who books and attends (default:
            who bought)
        :raise UserError: the contract books nothing more, or the time is not
            free; :class:`~.support_booking.SlotTakenError` when someone took
            it a moment before
        :return: the ``support.booking``
        """
        self.ensure_one()
        if not self._booking_enabled():
            raise UserError(
                _(
                    "The sessions of %(plan)s are not booked here.",
                    plan=self.plan_id.name,
                )
            )
        start = to_datetime(start, _("The start"))
        self._check_booking_allowed(start)
        consultant = self._pick_booking_consultant(start)
        return (
            self.env["support.booking"]
            .sudo()
            .create(
                {
                    "contract_id": self.id,
                    "start": start,
                    "consultant_id": consultant.id,
                    "contact_id": (contact or self._get_client_contact()).id,
                    "channel": "portal",
                }
            )
        )

    def action_view_bookings(self):
        """List the booked sessions of this contract."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "asesorateya_support.support_booking_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

    def action_send_case(self, description, attachments=None):
        """Remember when the case arrived: the reminder stops asking for it."""
        message = super().action_send_case(description, attachments)
        self.sudo().date_case_sent = fields.Datetime.now()
        return message

    def cancellation_quote(self, request_date=None):
        """No quote while a booked session's time has come and nobody told
        whether it was held: the service may have started (policy §10)."""
        self.ensure_one()
        now = fields.Datetime.now()
        # The earliest booked session is stored on the contract: no query when
        # none has begun (the quote's queries are pinned).
        pending = self.env["support.booking"]
        if self.booking_next_start and self.booking_next_start <= now:
            pending = self.sudo().booking_ids.filtered(
                lambda b: b.state == "booked" and b.start <= now
            )
        if pending:
            raise UserError(
                _(
                    "The session booked for %(when)s has begun and is not "
                    "logged yet: once it is recorded as held or missed, the "
                    "cancellation can be quoted (policy §10).",
                    when=pending[:1]._format_start(),
                )
            )
        return super().cancellation_quote(request_date)

    @api.model
    def _get_needs_attention_domain(self):
        """Also the contracts with a booked session that took place but has
        no log nor recorded absence (a subquery: no query of its own)."""
        return expression.OR(
            [
                super()._get_needs_attention_domain(),
                [
                    (
                        "booking_ids",
                        "any",
                        [
                            ("state", "=", "booked"),
                            ("stop", "<=", fields.Datetime.now()),
                        ],
                    )
                ],
            ]
        )
