# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from ..const import (
    LOGGABLE_STATES,
    SUMMARY_CRON,
    SUMMARY_MAIL_TEMPLATE,
)
from ..formatting import format_day, format_hours
from ..policy import hours_consumed
from ..utils import (
    check_date_values,
    check_id_values,
    check_number_values,
    check_text_values,
    to_number,
)
from .batch import claim_queued, commit_batch

_logger = logging.getLogger(__name__)

#: Fields that decide how many hours a log consumed, and whose they are (its
#: consultant's timesheet line): never edited afterwards.
CONSUMPTION_FIELDS = frozenset(
    {
        "contract_id",
        "period_id",
        "partner_id",
        "date",
        "duration",
        "correction_of_id",
        "user_id",
        "timesheet_id",
    }
)
#: What the consultant writes in a log: text of a bounded length.
TEXT_FIELDS = (
    "objective",
    "activity",
    "progress_note",
    "next_steps",
    "client_informed_note",
    "correction_reason",
)


class SupportSession(models.Model):
    """The log of one working session (policy §4 and §11).

    Every log consumes hours of its contract. A log is never deleted or
    re-timed: a wrong duration is fixed by a correction log that keeps the
    trail (see ``action_correct``).
    """

    _name = "support.session"
    _description = "Support Session Log"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "support.contract",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('state', 'in', ('confirmed', 'active'))]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="Leave the contract empty and name the client to draw from its "
        "hour bag that expires first, then the oldest.",
    )
    # Precomputed: written with the row, not by an UPDATE right after it.
    plan_id = fields.Many2one(
        related="contract_id.plan_id", store=True, precompute=True
    )
    kind = fields.Selection(related="contract_id.kind", store=True, precompute=True)
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, precompute=True
    )
    period_id = fields.Many2one(
        "support.contract.period",
        string="Monthly cycle",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    date = fields.Date(
        required=True,
        default=lambda self: self.env["res.company"]._support_default_today(),
        index=True,
    )
    duration = fields.Float(
        string="Time (hh:mm)",
        required=True,
        default=1.0,
        help="Time used in the session. A correction log holds the signed "
        "difference it makes.",
    )
    modality = fields.Selection(
        [
            ("videoconference", "Videoconference"),
            ("supervised_remote", "Supervised remote access"),
            ("internal", "Internal work"),
        ],
        required=True,
        default="videoconference",
    )
    objective = fields.Text(required=True, tracking=True)
    activity = fields.Text(string="Activity done", required=True, tracking=True)
    progress = fields.Selection(
        [
            ("in_progress", "In progress"),
            ("waiting_client", "Waiting for the client"),
            ("blocked", "Blocked"),
            ("done", "Done"),
        ],
        string="Progress status",
        required=True,
        default="in_progress",
        tracking=True,
    )
    progress_note = fields.Text(string="Progress details", tracking=True)
    next_steps = fields.Text(tracking=True)
    out_of_scope = fields.Boolean(
        help="The work is outside the validated scope (policy §5)."
    )
    client_informed = fields.Boolean(
        string="Client told beforehand",
        help="The client was told before the work went beyond the balance or "
        "the scope (policy §5, §6).",
    )
    client_informed_note = fields.Text(
        string="How the client was told",
        help="When, by which channel and what the client answered.",
    )
    exceeds_balance = fields.Boolean(
        readonly=True,
        help="The log went beyond the hours left, after the client was told.",
    )
    correction_of_id = fields.Many2one(
        "support.session",
        string="Corrects",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    correction_ids = fields.One2many(
        "support.session", "correction_of_id", string="Corrections"
    )
    correction_reason = fields.Text(readonly=True)
    is_correction = fields.Boolean(
        compute="_compute_is_correction", store=True, precompute=True
    )
    summary_state = fields.Selection(
        [
            ("queued", "Waiting to be sent"),
            ("sent", "Sent"),
            ("no_email", "Client has no email"),
        ],
        string="Client summary",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The summary emailed to the client after the session (policy §4, "
        "§11). Queued when the log is saved and sent within moments by the "
        "scheduled action 'Support: send session summaries'. Corrections "
        "send none.",
    )
    summary_hours_used = fields.Float(
        string="Hours used after this log",
        compute="_compute_summary_hours",
        help="Hours used of the bag, or of the monthly cycle, right after this "
        "log: what its summary tells the client, whenever it is sent.",
    )
    summary_hours_allowed = fields.Float(
        string="Hours of the bag or cycle", compute="_compute_summary_hours"
    )
    summary_hours_left = fields.Float(
        string="Hours left after this log", compute="_compute_summary_hours"
    )
    summary_hours_excess = fields.Float(
        string="Hours beyond the balance after this log",
        compute="_compute_summary_hours",
    )
    duration_effective = fields.Float(
        string="Time after corrections",
        compute="_compute_duration_effective",
        help="The log's time plus the corrections made to it.",
    )

    _sql_constraints = [
        (
            "duration_bounds",
            "CHECK(duration <> 0 AND duration BETWEEN -24 AND 24)",
            "A log's time is not zero and at most 24 hours.",
        ),
    ]

    def init(self):
        """The indexes that keep a contract's pages and quote as fast with
        10,000 logs as with 10 (README, "Benchmark": their query plans).

        - The logs of a contract in the page's order (``_order``, newest
          first): the page reads its 50 logs, the quote the last log's day,
          straight from the index instead of sorting all of them. It carries
          what the page's summary and the hours count (notices, durations),
          which read it alone once PostgreSQL's visibility map is set.
        - The few logs a client is reminded of (out of scope, beyond the
          balance, policy §5, §6), which the page lists.
        """
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS support_session_contract_date_index
                ON support_session (contract_id, date DESC, id DESC)
                INCLUDE (duration, out_of_scope, exceeds_balance);
            CREATE INDEX IF NOT EXISTS support_session_contract_notice_index
                ON support_session (contract_id, date DESC, id DESC)
             WHERE out_of_scope OR exceeds_balance;
            """
        )

    @api.depends("contract_id")
    def _compute_partner_id(self):
        for session in self:
            if session.contract_id:
                session.partner_id = session.contract_id.partner_id

    @api.depends("correction_of_id")
    def _compute_is_correction(self):
        for session in self:
            session.is_correction = bool(session.correction_of_id)

    @api.depends("duration", "correction_ids.duration")
    def _compute_duration_effective(self):
        for session in self:
            session.duration_effective = session.duration + sum(
                session.correction_ids.mapped("duration")
            )

    @api.depends("duration", "contract_id", "period_id")
    def _compute_summary_hours(self):
        """The balance right after each log, in the order logs were saved.

        One query for all the logs: the hours of the logs of the same bag (or
        monthly cycle) saved up to and including each one, so a summary sent
        later still tells the balance the session left.
        """
        logs = self.filtered("id")
        used_after = {}
        if logs:
            self.flush_model(["duration", "contract_id", "period_id"])
            self.env.cr.execute(
                """
                SELECT log.id, SUM(earlier.duration)
                  FROM support_session log
                  JOIN support_session earlier
                    ON earlier.contract_id = log.contract_id
                   AND earlier.period_id IS NOT DISTINCT FROM log.period_id
                   AND earlier.id <= log.id
                 WHERE log.id IN %s
              GROUP BY log.id
                """,
                [tuple(logs.ids)],
            )
            used_after = dict(self.env.cr.fetchall())
        for session in self:
            contract = session.contract_id
            used = used_after.get(session.id, 0.0)
            if session.period_id:
                allowed = session.period_id.hours_allowed
            else:
                allowed = contract.hours_included
                used = hours_consumed(contract.kind, used, allowed)
            session.summary_hours_used = used
            session.summary_hours_allowed = allowed
            session.summary_hours_left = max(allowed - used, 0.0)
            session.summary_hours_excess = max(used - allowed, 0.0)

    @api.depends("contract_id.name", "date")
    def _compute_display_name(self):
        for session in self:
            parts = [session.contract_id.name, session.date and str(session.date)]
            session.display_name = " · ".join(part for part in parts if part)

    @api.constrains("duration", "correction_of_id")
    def _check_duration(self):
        for session in self:
            if session.correction_of_id:
                original = session.correction_of_id
                if float_compare(original.duration_effective, 0.0, 4) < 0:
                    raise ValidationError(
                        _("A correction cannot leave a log with negative time.")
                    )
                if float_compare(original.duration_effective, 24.0, 4) > 0:
                    raise ValidationError(_("A session lasts at most 24 hours."))
                if original.correction_of_id:
                    raise ValidationError(
                        _("Correct the original log, not a correction.")
                    )
            self._check_duration_value(session.duration, session.correction_of_id)

    @api.model
    def _check_duration_value(self, duration, is_correction):
        """Refuse a log time that is not positive (corrections aside) or over 24 h."""
        if not is_correction and float_compare(duration or 0.0, 0.0, 4) <= 0:
            raise ValidationError(_("The time of a session must be positive (hh:mm)."))
        if abs(duration or 0.0) > 24:
            raise ValidationError(_("A session lasts at most 24 hours."))

    @api.constrains("date", "contract_id")
    def _check_date(self):
        for session in self:
            company = session.contract_id.company_id or self.env.company
            if session.date > company._support_today():
                raise ValidationError(
                    _(
                        "A session is logged once it is held: %(date)s is in "
                        "the future.",
                        date=session.date,
                    )
                )
            if session.date < session.contract_id.date_purchase:
                raise ValidationError(
                    _(
                        "%(date)s is before %(contract)s was bought (%(purchase)s).",
                        date=session.date,
                        contract=session.contract_id.name,
                        purchase=session.contract_id.date_purchase,
                    )
                )

    @api.constrains("partner_id", "contract_id")
    def _check_partner(self):
        for session in self:
            if session.partner_id != session.contract_id.partner_id:
                raise ValidationError(
                    _("The client of a log is the client of its contract.")
                )

    @api.constrains("out_of_scope", "client_informed", "client_informed_note")
    def _check_out_of_scope(self):
        for session in self:
            if session.out_of_scope and not session._is_client_informed():
                raise ValidationError(
                    _(
                        "Work outside the validated scope is only logged once "
                        "the client was told first (policy §5): tick 'Client "
                        "told beforehand' and say how."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Checked first: the rules below read and lock contracts, which only
        # someone allowed to log sessions may make them do.
        self.check_access_rights("create")
        contracts_model = self.env["support.contract"]
        for vals in vals_list:
            self._check_input_values(vals)
            # Before the insert: otherwise the SQL constraint refuses the row
            # first, with a database error instead of the rule's message.
            self._check_duration_value(
                vals.get("duration"), vals.get("correction_of_id")
            )
        # The contracts named are locked before anything reads them, and read
        # by the lock's own query (one query for both, issue 14).
        locked = contracts_model.browse(
            {vals["contract_id"] for vals in vals_list if vals.get("contract_id")}
        )
        locked._lock_and_read_for_consumption()
        self._prepare_log_values(vals_list)
        contracts = contracts_model.browse(
            {vals["contract_id"] for vals in vals_list if vals.get("contract_id")}
        )
        # The bags found for a client (no contract named) are locked now.
        (contracts - locked)._lock_for_consumption()
        for vals in vals_list:
            contract = contracts_model.browse(vals.get("contract_id"))
            if not contract:
                continue
            date = fields.Date.to_date(vals["date"])
            self._check_contract_takes_logs(contract, date, vals)
            if vals.get("correction_of_id"):
                self._prepare_correction_values(vals, date)
            elif contract.kind == "monthly":
                vals["period_id"] = self._get_open_period(contract, date).id
        # Each log is a timesheet line (support_session_timesheet.py).
        self._create_timesheet_lines(vals_list)
        # A log is not a discussion: no "created" note and no follower (the
        # contract has the followers), which halves the queries of a log.
        sessions = (
            super(
                SupportSession,
                self.with_context(mail_create_nosubscribe=True, mail_create_nolog=True),
            )
            .create(vals_list)
            .with_env(self.env)
        )
        # The balance: the contract's hours, one grouped sum of its logs (not
        # the locked row's hours plus the logs': a diagnosis or an incident
        # consumes its whole length, and a float kept by additions drifts
        # from the sum of the rows). Then, at the flush, the contract's
        # update and its tracking (README, "Timesheets > Queries").
        sessions._check_balance()
        # Only a correction can take back a use (issue 13, item 2).
        sessions.filtered("correction_of_id").contract_id._update_effective_start()
        sessions.contract_id._update_state_after_consumption()
        sessions.contract_id._update_balance_alert()
        sessions._notify_client_informed()
        if any(session.summary_state == "queued" for session in sessions):
            # One trigger for the whole call (and its wake-up after commit).
            self._trigger_summaries()
        return sessions

    @api.model
    def _prepare_log_values(self, vals_list):
        """Complete the values of logs about to be created, in place: the
        day (the company's today), the bag of a client named without a
        contract, the summary to queue; the client is left to the compute
        (always the contract's)."""
        contracts_model = self.env["support.contract"]
        for vals in vals_list:
            if vals.get("correction_of_id") and not vals.get("date"):
                # A correction is dated as the log it corrects (checked in
                # ``create``): it changes that day's net time, never another.
                vals["date"] = self.browse(vals["correction_of_id"]).date
            if not vals.get("date"):
                contract = contracts_model.browse(vals.get("contract_id"))
                company = contract.company_id or self.env.company
                vals["date"] = company._support_today()
            if not vals.get("contract_id") and vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                date = fields.Date.to_date(vals["date"])
                bag = contracts_model._find_bag_for_partner(partner, date)
                if not bag:
                    raise UserError(
                        _(
                            "%(client)s has no hour bag with hours left: choose "
                            "the contract to log on.",
                            client=partner.commercial_partner_id.display_name,
                        )
                    )
                vals["contract_id"] = bag.id
            # The client is always the contract's: let the compute set it.
            vals.pop("partner_id", None)
            # Every log but a correction gets its summary, sent from the queue
            # (a log is saved in a few queries; the email is rendered after).
            vals["summary_state"] = False if vals.get("correction_of_id") else "queued"

    @api.model
    def _prepare_correction_values(self, vals, date):
        """Check and complete the values of a correction about to be created,
        in place: it belongs to the day and the cycle of the log it corrects.
        The day: the quote's net use up to a day reads a bag's stored totals,
        which holds only if no day's net time is negative
        (``support.contract._get_bag_net_use_until``). The cycle: a closed
        cycle's hours were settled at its close.

        :param dict vals: the correction's values (``correction_of_id`` set)
        :param date: the correction's day
        :raise UserError: another day, or the log's cycle closed
        """
        original = self.browse(vals["correction_of_id"])
        if date != original.date:
            raise UserError(
                _(
                    "A correction is dated as the log it corrects (%(date)s).",
                    date=format_day(self.env, original.date),
                )
            )
        if original.period_id.state == "closed":
            raise UserError(
                _(
                    "The cycle of this log is closed: its hours were "
                    "settled at the close and cannot be corrected."
                )
            )
        vals["period_id"] = original.period_id.id

    @api.model
    def _trigger_summaries(self):
        """Have the summary queue run within moments, once this transaction
        is committed: what ``ir.cron._trigger`` does, without reading the
        scheduled action (two queries less on every log). A trigger of the
        action while it is archived is ignored: the summaries wait."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            SUMMARY_CRON, raise_if_not_found=False
        )
        if not cron_id:
            return
        self.env["ir.cron.trigger"].sudo().create(
            {"cron_id": cron_id, "call_at": fields.Datetime.now()}
        )
        self.env.cr.postcommit.add(self.env["ir.cron"].browse(cron_id)._notifydb)

    @api.model
    def _check_input_values(self, vals):
        """Refuse values of the wrong type or size before anything reads them.

        Without it a text id reaches the row lock as a database error, a
        date that is no date fails in ``strptime`` and NaN hours in the
        rounding, each with a traceback instead of a message.

        :param dict vals: values of a ``create`` or ``write``; numbers given as
            text are stored as numbers
        :raise ValidationError: naming the field
        """
        check_id_values(self, vals, ("contract_id", "partner_id", "correction_of_id"))
        check_date_values(self, vals, ("date",))
        check_number_values(self, vals, ("duration",))
        check_text_values(self, vals, TEXT_FIELDS)

    @api.model
    def _check_contract_takes_logs(self, contract, date, vals):
        """Refuse a log on a contract that cannot take one; start a confirmed one."""
        if vals.get("correction_of_id"):
            # A correction fixes the trail of a log already taken; it is
            # allowed on a contract that has since closed, as long as the
            # contract was not cancelled.
            if contract.state == "cancelled":
                raise UserError(_("A cancelled contract takes no logs."))
            return
        if contract.state not in LOGGABLE_STATES:
            state_label = dict(contract._fields["state"].selection)[contract.state]
            raise UserError(
                _(
                    "%(contract)s is %(state)s and takes no session logs.",
                    contract=contract.name,
                    state=state_label,
                )
            )
        if (
            contract.kind == "hour_bag"
            and contract.date_expiry
            and (date > contract.date_expiry)
        ):
            raise UserError(
                _(
                    "%(contract)s was valid until %(date)s.",
                    contract=contract.name,
                    date=contract.date_expiry,
                )
            )
        if contract.state == "confirmed":
            # The first session held is the effective start (policy §10).
            contract.action_start(date)
        if not contract.date_start or date < contract.date_start:
            contract.date_start = date

    @api.model
    def _get_open_period(self, contract, date):
        period = contract._period_for(date)
        last = contract.period_ids.sorted("date_start")[-1:]
        if (
            not period
            and last
            and last.date_end < date <= contract.company_id._support_today()
        ):
            # The daily cron has not run yet today: roll the cycles now rather
            # than refuse the consultant's log.
            period = self.env["support.contract.period"]._roll_contract(contract, date)
        if not period:
            raise UserError(
                _(
                    "%(contract)s has no monthly cycle covering %(date)s.",
                    contract=contract.name,
                    date=date,
                )
            )
        if period.state != "open":
            raise UserError(
                _(
                    "The cycle %(period)s is closed and takes no more logs.",
                    period=period.display_name,
                )
            )
        return period

    def _check_balance(self):
        """Refuse logs that go beyond the hours left unless the client was told.

        Logs of one batch are checked in order, each against the balance the
        earlier ones left.
        """
        consumed = {}
        for session in self.sorted("id"):
            contract = session.contract_id
            if session.correction_of_id:
                continue
            allowed, used, period = contract._get_balance_for(session.date)
            key = (contract.id, period.id)
            if key not in consumed:
                # The balance before this batch, from the stored totals.
                batch = self.filtered(
                    lambda s, c=contract, p=period: (
                        s.contract_id == c
                        and s.period_id == p
                        and not s.correction_of_id
                    )
                )
                consumed[key] = used - sum(batch.mapped("duration"))
            before = consumed[key]
            consumed[key] = before + session.duration
            if float_compare(consumed[key], allowed, precision_digits=4) > 0:
                if not session._is_client_informed():
                    raise ValidationError(
                        _(
                            "This log of %(duration)s h goes beyond the "
                            "%(left)s h left on %(contract)s. Tell the client "
                            "first (policy §5, §6), then tick 'Client told "
                            "beforehand' and say how.",
                            duration=round(session.duration, 2),
                            left=round(max(allowed - before, 0.0), 2),
                            contract=contract.name,
                        )
                    )
                session.exceeds_balance = True

    def _is_client_informed(self):
        self.ensure_one()
        return self.client_informed and bool((self.client_informed_note or "").strip())

    def _notify_client_informed(self):
        """Note on the contract the work logged beyond scope or balance.

        The client reads it in the session summary email (policy §5), which
        repeats how they were told; this note keeps it in the contract's
        trail for the team.
        """
        for session in self.filtered(lambda s: s.out_of_scope or s.exceeds_balance):
            reasons = []
            if session.out_of_scope:
                reasons.append(_("outside the validated scope"))
            if session.exceeds_balance:
                reasons.append(_("beyond the hours left"))
            session.contract_id.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    _(
                        "On %(date)s, %(duration)s h were logged %(reasons)s, "
                        "as agreed with you beforehand.",
                        date=format_day(self.env, session.date),
                        duration=format_hours(session.duration),
                        reasons=_(" and ").join(reasons),
                    ),
                    session.client_informed_note,
                ),
            )

    @api.model
    def _cron_send_session_summaries(self, batch_size=200):
        """Send the queued session summaries to the clients (policy §4, §11).

        Each summary is the template 'Support: session summary', posted on
        its log by the consultant who logged it and emailed through the mail
        queue. A client with nobody to email gets none; the consultant gets an
        activity to reach them instead. Works in batches, committing each one
        outside tests and re-triggering itself while logs are left; a log is
        claimed under a row lock, so two runs never send the same summary.

        :return: the ``support.session`` records whose summary was handled
        """
        full, sessions = claim_queued(self, "summary_state", batch_size)
        sessions._send_summaries()
        _logger.info("Support: %s session summaries sent", len(sessions))
        if full:
            commit_batch(self.env)
            self.env.ref(SUMMARY_CRON).sudo()._trigger()
        return sessions

    def _send_summaries(self):
        """Email these logs' summaries to their clients, now, and mark them
        sent; for a client with nobody to email, schedule the activity to
        reach them instead (see ``_cron_send_session_summaries``)."""
        template = self.env.ref(SUMMARY_MAIL_TEMPLATE, raise_if_not_found=False)
        to_mail = self.filtered(lambda s: s.contract_id._get_mail_partner())
        if template and to_mail:
            # Queued, not sent at once: the mail queue sends them, and keeps
            # them to send again if the mail server is down.
            posting = to_mail.with_context(
                mail_notify_force_send=False,
                mail_create_nosubscribe=True,
                mail_post_autofollow=False,
            )
            # As the consultant who logged the session (its author, and the
            # sender when the company has no support email), as if sent at once.
            by_user = defaultdict(list)
            for session in posting:
                by_user[session.user_id or session.create_uid].append(session.id)
            for user, ids in by_user.items():
                posting.browse(ids).with_user(user).sudo().message_post_with_source(
                    template, subtype_xmlid="mail.mt_comment"
                )
            self.env["support.client.mail.mixin"]._trigger_mail_queue()
        to_mail.summary_state = "sent"
        no_email = self - to_mail
        no_email._schedule_summary_reach_client()
        no_email.summary_state = "no_email"

    def _schedule_summary_reach_client(self):
        """Ask the consultant to reach the clients of these logs who have no
        email: their session summary could not be sent (policy §4, §11).
        """
        template = self.env.ref(SUMMARY_MAIL_TEMPLATE, raise_if_not_found=False)
        if not template:
            return
        for session in self:
            values = template.sudo()._generate_template(
                session.ids, ["subject", "body_html"]
            )[session.id]
            session.contract_id._schedule_reach_client(values)

    def write(self, vals):
        self.check_access_rights("write")
        self._check_input_values(vals)
        changing = [
            fname
            for fname in CONSUMPTION_FIELDS & set(vals)
            for session in self
            if self._fields[fname].convert_to_cache(vals[fname], session, False)
            != self._fields[fname].convert_to_cache(session[fname], session, False)
        ]
        if changing:
            raise UserError(
                _(
                    "A log that consumed hours keeps its contract, consultant, "
                    "date and time. Record a correction with a reason instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _(
                "Session logs consumed hours and are never deleted. Record a "
                "correction with a reason instead."
            )
        )

    def action_correct(self, duration, reason):
        """Record the right time of this log as a new correction log.

        :param float duration: the time the session really took (hours)
        :param str reason: why the original time was wrong (required)
        :return: the correction log
        """
        self.ensure_one()
        if self.correction_of_id:
            raise UserError(_("Correct the original log, not a correction."))
        if duration is None or duration is False:
            raise UserError(_("Give the time the session really took."))
        duration = to_number(duration, _("The corrected time"))
        check_text_values(self, {"correction_reason": reason}, ["correction_reason"])
        if not (reason or "").strip():
            raise UserError(_("A correction needs a reason."))
        if float_compare(duration, 0.0, precision_digits=4) < 0:
            raise UserError(_("The corrected time cannot be negative."))
        delta = duration - self.duration_effective
        if float_is_zero(delta, precision_digits=4):
            raise UserError(_("The corrected time is the time already logged."))
        return self.create(
            {
                "contract_id": self.contract_id.id,
                # Dated as the log it corrects, so that it counts in the same
                # cycle; create_date and the author keep when and who.
                "date": self.date,
                "user_id": self.env.user.id,
                "duration": delta,
                "modality": "internal",
                "objective": _("Correction of the log of %(date)s", date=self.date),
                "activity": reason,
                "progress": "done",
                "correction_of_id": self.id,
                "correction_reason": reason,
            }
        )
