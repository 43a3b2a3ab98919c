# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.tools import float_is_zero

from ..const import (
    BALANCE_ALERT_LEVELS,
    BALANCE_KINDS,
    BALANCE_MAIL_TEMPLATES,
    LOGGABLE_STATES,
    SINGLE_SESSION_KINDS,
)
from ..formatting import format_day, format_hours
from ..policy import hours_consumed


class SupportContract(models.Model):
    """The hours of a contract: used, left, and the warnings before they run
    out (support policy §4, §6, §7).

    Every log consumes hours of its contract (``support.session``): a bag's
    balance, or a monthly retainer's current cycle. The totals are stored and
    computed in one grouped query, whatever the number of logs. A log without
    a contract draws on the client's bag that expires first; a bag that ran
    out is exhausted, and its validity ends it (daily cron); the client is
    warned once when the hours left get low and when they run out.
    """

    # One file per concern (STYLE.md, "Layout"), not one class of 2,000 lines.
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited

    hours_used = fields.Float(
        compute="_compute_hours",
        store=True,
        tracking=True,
        help="Hours consumed; for a monthly retainer, in the current cycle.",
    )
    hours_remaining = fields.Float(
        compute="_compute_hours",
        store=True,
        tracking=True,
        help="Hours left; for a monthly retainer, in the current cycle.",
    )
    hours_excess = fields.Float(
        compute="_compute_hours",
        store=True,
        tracking=True,
        help="Hours logged beyond the balance after the client was told.",
    )
    hours_used_percent = fields.Float(compute="_compute_hours", store=True)
    is_low_balance = fields.Boolean(
        string="Low balance", compute="_compute_is_low_balance", store=True
    )
    current_period_id = fields.Many2one(
        "support.contract.period",
        compute="_compute_current_period_id",
        string="Current cycle",
    )
    meetings_per_month = fields.Integer(related="plan_id.meetings_per_month")
    balance_alert = fields.Selection(
        [
            ("none", "None"),
            ("low", "Low balance"),
            ("exhausted", "Hours run out"),
        ],
        string="Balance warning",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        help="The last warning the client was sent about the hours left (of "
        "the bag, or of the cycle in 'Warned cycle'). A warning is sent when "
        "the hours left fall below the company's low-balance threshold, and "
        "when they run out (policy §4, §6); hours given back by a correction "
        "re-arm it.",
    )
    balance_alert_period_id = fields.Many2one(
        "support.contract.period",
        string="Warned cycle",
        readonly=True,
        copy=False,
        help="Monthly retainers: the cycle the balance warning is about; each "
        "cycle is warned afresh.",
    )

    @api.depends(
        "kind",
        "hours_included",
        "session_ids.duration",
        "period_ids.state",
        "period_ids.hours_allowed",
        "period_ids.hours_used",
    )
    def _compute_hours(self):
        contracts = self.filtered("id")
        totals = {}
        if contracts:
            # One grouped query for all contracts: never a loop over the logs.
            data = self.env["support.session"]._read_group(
                [("contract_id", "in", contracts.ids)],
                ["contract_id"],
                ["duration:sum"],
            )
            totals = {contract.id: duration for contract, duration in data}
        for contract in self:
            included = contract.hours_included
            if contract.kind == "monthly":
                period = contract.current_period_id
                included = period.hours_allowed if period else included
                used = period.hours_used if period else 0.0
            else:
                used = hours_consumed(
                    contract.kind, totals.get(contract.id, 0.0), included
                )
            contract.hours_used = used
            contract.hours_remaining = max(included - used, 0.0)
            contract.hours_excess = max(used - included, 0.0)
            contract.hours_used_percent = (
                min(100.0, 100.0 * used / included) if included else 0.0
            )

    @api.depends(
        "hours_remaining",
        "hours_included",
        "state",
        "company_id.support_low_balance_hours",
        "company_id.support_low_balance_percent",
    )
    def _compute_is_low_balance(self):
        for contract in self:
            contract.is_low_balance = bool(
                contract.state in ("confirmed", "active")
                and contract._is_below_low_balance_threshold()
            )

    @api.depends("period_ids.state")
    def _compute_current_period_id(self):
        for contract in self:
            contract.current_period_id = contract.period_ids.filtered(
                lambda p: p.state == "open"
            )[:1]

    # ------------------------------------------------------------------
    # Consumption (policy §4, §6)
    # ------------------------------------------------------------------
    def _update_state_after_consumption(self):
        """Move contracts whose balance ran out, or came back, to the right state."""
        for contract in self:
            if contract.state not in ("active", "exhausted"):
                continue
            remaining = contract.hours_remaining
            if contract.kind in SINGLE_SESSION_KINDS:
                if float_is_zero(remaining, precision_digits=4):
                    contract.write(
                        {
                            "state": "done",
                            "date_end": contract.company_id._support_today(),
                        }
                    )
            elif contract.kind == "hour_bag":
                exhausted = float_is_zero(remaining, precision_digits=4)
                if exhausted and contract.state == "active":
                    contract.state = "exhausted"
                elif not exhausted and contract.state == "exhausted":
                    contract.state = "active"

    @api.model
    def _get_bag_for_partner_domain(self, partner, date):
        return [
            ("partner_id", "=", partner.commercial_partner_id.id),
            ("kind", "=", "hour_bag"),
            ("state", "in", LOGGABLE_STATES),
            ("hours_remaining", ">", 0),
            "|",
            ("date_expiry", "=", False),
            ("date_expiry", ">=", date),
        ]

    @api.model
    def _find_bag_for_partner(self, partner, date):
        """The hour bag a session of ``partner`` draws from when none is named.

        The bag that expires first, then the oldest (policy of several bags).

        :return: a ``support.contract`` record, possibly empty
        """
        bags = self.search(self._get_bag_for_partner_domain(partner, date))
        return bags.sorted(
            lambda bag: (
                bag.date_expiry or fields.Date.to_date("9999-12-31"),
                bag.date_purchase,
                bag.id,
            )
        )[:1]

    def _get_balance_for(self, date):
        """Hours allowed and used that a log on ``date`` draws on.

        :return: ``(allowed, used, period)``: the cycle's figures for a
            monthly retainer, the contract's otherwise
        """
        self.ensure_one()
        if self.kind == "monthly":
            period = self._period_for(date)
            return period.hours_allowed, period.hours_used, period
        return self.hours_included, self.hours_used, self.env["support.contract.period"]

    def _period_for(self, date):
        """The monthly cycle of this contract that covers ``date``, if any."""
        self.ensure_one()
        covering = self.period_ids.filtered(
            lambda p: p.date_start <= date <= p.date_end
        )
        return covering[:1]

    # ------------------------------------------------------------------
    # Validity of hour bags (policy §1, §6)
    # ------------------------------------------------------------------
    @api.model
    def _cron_expire_bags(self):
        """Close hour bags whose validity is over; their unused hours expire."""
        Company = self.env["res.company"]
        bags = self.search(
            [
                ("kind", "=", "hour_bag"),
                ("state", "in", ("confirmed", "active", "waiting", "paused")),
                ("date_expiry", "<", Company._support_upper_today()),
            ]
        )
        # Over where the client's company is, not while its last day goes on.
        bags = Company._support_filter_before_today(bags, "date_expiry")
        for bag in bags:
            bag.message_post(
                body=_(
                    "The bag's validity ended on %(date)s; %(hours)s unused "
                    "hours expired.",
                    date=format_day(self.env, bag.date_expiry),
                    hours=bag.hours_remaining,
                )
            )
        for company in bags.company_id:
            bags.filtered(lambda b, c=company: b.company_id == c).write(
                {"state": "done", "date_end": company._support_today()}
            )
        return bags

    # ------------------------------------------------------------------
    # Balance warnings (policy §4, §6)
    # ------------------------------------------------------------------
    def _is_below_low_balance_threshold(self):
        """Whether the hours left are at or below the company's low-balance
        threshold, in hours or in percent of the hours included.

        Only hour bags and monthly retainers have a balance to watch.
        """
        self.ensure_one()
        company = self.company_id
        return bool(
            self.kind in BALANCE_KINDS
            and self.hours_included
            and (
                self.hours_remaining <= company.support_low_balance_hours
                or 100.0 * self.hours_remaining / self.hours_included
                <= company.support_low_balance_percent
            )
        )

    def _get_balance_level(self):
        """How close the balance is to its end.

        :return: ``exhausted`` when no hour is left (of the bag, or of the
            current cycle), ``low`` at or below the low-balance threshold,
            else ``none``
        """
        self.ensure_one()
        if float_is_zero(self.hours_remaining, precision_digits=4):
            return "exhausted"
        return "low" if self._is_below_low_balance_threshold() else "none"

    def _update_balance_alert(self):
        """Warn the client, once, when the hours left get low and when they run out.

        Called after every log, corrections included (policy §4, §6). The
        level reached is kept in ``balance_alert`` (with the cycle it is
        about, for a monthly retainer, whose every cycle starts unwarned), so
        re-running this sends nothing new. A warning is sent only when the
        level rises: to ``low`` from ``none``, to ``exhausted`` from below.
        Hours given back by a correction lower the level and re-arm the
        warnings, so a later crossing is told again; a correction that leaves
        the balance low after it ran out sends nothing. Each warning also
        gives the consultant an activity to propose the next step.
        """
        for contract in self:
            if contract.kind not in BALANCE_KINDS or contract.state not in (
                "active",
                "exhausted",
            ):
                continue
            # Only a retainer has cycles: a bag needs no query for them.
            period = (
                contract.current_period_id
                if contract.kind == "monthly"
                else self.env["support.contract.period"]
            )
            level = contract._get_balance_level()
            previous = contract.balance_alert
            if contract.balance_alert_period_id != period:
                previous = "none"
            if level == previous:
                continue
            contract.sudo().write(
                {"balance_alert": level, "balance_alert_period_id": period.id}
            )
            rank = BALANCE_ALERT_LEVELS.index
            if rank(level) > rank(previous):
                contract._send_balance_alert(level)

    def _send_balance_alert(self, level):
        """Email the client the ``low`` or ``exhausted`` warning, and ask the
        consultant to propose an additional bag or the alternative."""
        self.ensure_one()
        self._send_client_mail(BALANCE_MAIL_TEMPLATES[level])
        hours = format_hours(self.hours_remaining)
        if level == "low":
            summary = _(
                "Low balance on %(contract)s: %(hours)s h left",
                contract=self.name,
                hours=hours,
            )
            note = _(
                "The client was warned that the hours are about to run out. "
                "Propose an additional hour bag or agree on the most "
                "convenient alternative (policy §4, §6)."
            )
        else:
            summary = _("Hours run out on %(contract)s", contract=self.name)
            note = _(
                "The client was told that no hour is left. Agree with them on "
                "an additional hour bag or on how to continue before any more "
                "work (policy §5, §6)."
            )
        self._schedule_support_activity(summary, note)
