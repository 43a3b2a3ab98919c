# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..policy import period_bounds, simulate_rollover

_logger = logging.getLogger(__name__)


class SupportContractPeriod(models.Model):
    """One monthly cycle of a monthly retainer (policy §7)."""

    _name = "support.contract.period"
    _description = "Monthly Support Cycle"
    _order = "contract_id, date_start"
    _rec_names_search = ["contract_id"]

    contract_id = fields.Many2one(
        "support.contract",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    sequence = fields.Integer(string="Cycle", readonly=True)
    date_start = fields.Date(required=True, readonly=True)
    date_end = fields.Date(required=True, readonly=True)
    hours_base = fields.Float(
        string="Hours of the plan",
        readonly=True,
        help="Hours the plan gives each cycle.",
    )
    hours_carried_in = fields.Float(
        string="Hours carried in",
        readonly=True,
        help="Unused hours of earlier cycles still available (only when the "
        "plan allows a roll-over; the policy's plans never do).",
    )
    hours_allowed = fields.Float(compute="_compute_hours_allowed", store=True)
    hours_used = fields.Float(compute="_compute_usage", store=True)
    hours_remaining = fields.Float(compute="_compute_usage", store=True)
    hours_expired = fields.Float(
        readonly=True, help="Unused hours lost at the close: never carried over."
    )
    hours_carried_out = fields.Float(
        readonly=True, help="Unused hours handed to the next cycle."
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    fee_amount = fields.Monetary(
        string="Fee of the cycle",
        readonly=True,
        help="What the client pays for this cycle, IVA included, in advance "
        "(policy §8).",
    )
    meetings_included = fields.Integer(readonly=True)
    meetings_used = fields.Integer(compute="_compute_usage", store=True)
    priorities = fields.Text(
        help="Priorities agreed with the client at the start of the cycle (§9)."
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    session_ids = fields.One2many("support.session", "period_id", string="Sessions")

    _sql_constraints = [
        (
            "contract_start_uniq",
            "unique(contract_id, date_start)",
            "A contract has one cycle per start date.",
        ),
        (
            "dates_check",
            "CHECK(date_end >= date_start)",
            "A cycle ends after it starts.",
        ),
    ]

    @api.depends("hours_base", "hours_carried_in")
    def _compute_hours_allowed(self):
        for period in self:
            period.hours_allowed = period.hours_base + period.hours_carried_in

    @api.depends("hours_allowed", "session_ids.duration", "session_ids.modality")
    def _compute_usage(self):
        periods = self.filtered("id")
        hours, meetings = {}, {}
        if periods:
            data = self.env["support.session"]._read_group(
                [("period_id", "in", periods.ids)],
                ["period_id", "modality"],
                ["duration:sum", "__count"],
            )
            for period, modality, duration, count in data:
                hours[period.id] = hours.get(period.id, 0.0) + duration
                if modality == "videoconference":
                    meetings[period.id] = meetings.get(period.id, 0) + count
        for period in self:
            period.hours_used = hours.get(period.id, 0.0)
            period.hours_remaining = max(period.hours_allowed - period.hours_used, 0.0)
            period.meetings_used = meetings.get(period.id, 0)

    @api.depends("contract_id.name", "date_start", "date_end")
    def _compute_display_name(self):
        for period in self:
            period.display_name = _(
                "%(contract)s: %(start)s → %(end)s",
                contract=period.contract_id.name,
                start=period.date_start,
                end=period.date_end,
            )

    @api.constrains("contract_id", "date_start", "date_end")
    def _check_no_overlap(self):
        for period in self:
            overlapping = self.search_count(
                [
                    ("id", "!=", period.id),
                    ("contract_id", "=", period.contract_id.id),
                    ("date_start", "<=", period.date_end),
                    ("date_end", ">=", period.date_start),
                ]
            )
            if overlapping:
                raise ValidationError(_("The cycles of a contract cannot overlap."))
            if period.contract_id.kind != "monthly":
                raise ValidationError(
                    _("Only a monthly retainer runs in monthly cycles.")
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("Monthly cycles are part of the client's history and are never deleted.")
        )

    # ------------------------------------------------------------------
    # Cycle management
    # ------------------------------------------------------------------
    @api.model
    def _open_for_contract(self, contract, date):
        """Open the cycle of ``contract`` that covers ``date``, if none does.

        The first cycle anchors every later one (see ``period_bounds``); after
        a pause, a new series is anchored on the day the service resumes.

        :return: the open cycle covering ``date``
        """
        existing = contract._period_for(date)
        if existing:
            return existing
        last = contract.period_ids.sorted("date_start")[-1:]
        if last and last.date_end >= date:
            raise UserError(_("A later cycle already exists for this contract."))
        if last and last.state == "open":
            last._close()
        anchor, index = date, 0
        if last and (date - last.date_end).days == 1:
            # Contiguous cycles keep the original anchor so they never drift.
            anchor, index = last._anchor_and_index()
            index += 1
        date_start, date_end = period_bounds(anchor, index)
        plan = contract.plan_id
        return self.create(
            {
                "contract_id": contract.id,
                "sequence": (last.sequence or 0) + 1,
                "date_start": date_start,
                "date_end": date_end,
                "hours_base": contract.hours_included,
                "fee_amount": contract.amount_paid,
                "hours_carried_in": last.hours_carried_out if last else 0.0,
                "meetings_included": plan.meetings_per_month,
            }
        )

    def _anchor_and_index(self):
        """The anchor day and index of this cycle in its contiguous series."""
        self.ensure_one()
        series = self.contract_id.period_ids.filtered(
            lambda p: p.date_start <= self.date_start
        ).sorted("date_start", reverse=True)
        first = self
        for period in series[1:]:
            if (first.date_start - period.date_end).days != 1:
                break
            first = period
        index = len(series.filtered(lambda p: p.date_start >= first.date_start)) - 1
        return first.date_start, index

    def _close(self):
        """Close open cycles: unused hours expire, or roll over if the plan says so."""
        for period in self.filtered(lambda p: p.state == "open"):
            contract = period.contract_id
            rollover = contract.plan_id.rollover_periods
            if rollover:
                history = contract.period_ids.filtered(
                    lambda p, current=period: p.date_start <= current.date_start
                ).sorted("date_start")
                outcome = simulate_rollover(
                    [(p.hours_base, p.hours_used) for p in history], rollover
                )[-1]
                expired, carried = outcome["expired"], outcome["carried_out"]
            else:
                expired, carried = period.hours_remaining, 0.0
            period.write(
                {
                    "state": "closed",
                    "hours_expired": expired,
                    "hours_carried_out": carried,
                }
            )
            contract.message_post(
                body=_(
                    "Cycle %(start)s → %(end)s closed: %(used)s h used, "
                    "%(expired)s h expired, %(carried)s h carried over.",
                    start=period.date_start,
                    end=period.date_end,
                    used=period.hours_used,
                    expired=expired,
                    carried=carried,
                )
            )

    @api.model
    def _cron_roll_periods(self, batch_size=500):
        """Close cycles that ended and open the next ones, up to today.

        Idempotent: a closed cycle is never closed again and a cycle is only
        opened where none covers the day. Works in batches of contracts,
        committing each batch outside tests and re-triggering itself while
        work is left, so a killed run resumes where it stopped.
        """
        today = fields.Date.context_today(self)
        ended = self.search(
            [("state", "=", "open"), ("date_end", "<", today)],
            limit=batch_size,
            order="date_end, id",
        )
        contracts = ended.contract_id
        for contract in contracts:
            self._roll_contract(contract, today)
        if len(ended) == batch_size:
            if not self.env.registry.in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.ref("asesorateya_support.ir_cron_roll_periods")._trigger()
        _logger.info("Support cycles: %s contracts rolled", len(contracts))
        return contracts

    @api.model
    def _roll_contract(self, contract, day):
        """Close the cycles of ``contract`` that ended before ``day`` and, if
        the service is active, open the following ones up to the cycle that
        covers ``day``, closing each missed one on the way.

        :return: the open cycle covering ``day``, possibly empty
        """
        contract._lock_for_consumption()
        contract.period_ids.filtered(
            lambda p: p.state == "open" and p.date_end < day
        )._close()
        period = contract.period_ids.sorted("date_start")[-1:]
        if contract.state != "active" or not period:
            return self.browse()
        while period.date_end < day:
            period = self._open_for_contract(
                contract, period.date_end + relativedelta(days=1)
            )
            if period.date_end < day:
                period._close()
        return period.filtered(lambda p: p.state == "open" and p.date_start <= day)
