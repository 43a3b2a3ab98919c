# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import (
    CLOSE_MAIL_CRON,
    CLOSE_MAIL_TEMPLATE,
    FPOS_BY_REGION_MEMO,
    ROLL_PERIODS_CRON,
)
from ..formatting import format_day, format_hours
from ..policy import period_bounds, simulate_rollover
from .batch import claim_queued, commit_batch

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
    close_mail_state = fields.Selection(
        [("queued", "Waiting to be sent"), ("sent", "Sent")],
        string="Closing email",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The email telling the client the cycle closed, queued at the "
        "close and sent by the scheduled action 'Support: send cycle emails'.",
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    session_ids = fields.One2many("support.session", "period_id", string="Sessions")
    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The invoice of this cycle's fee, issued when the cycle begins "
        "(policy §8); for the first cycle of a contract bought through a sale "
        "order, the order's invoice.",
    )
    billed_by_order = fields.Boolean(
        string="Paid with the order",
        readonly=True,
        copy=False,
        help="The first cycle of a contract bought through a sale order: the "
        "order pays it, so it has no invoice of its own.",
    )
    invoice_error = fields.Char(
        string="Billing problem",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Why the invoice of this cycle could not be issued the last time "
        "it was tried (e.g. the client's tax id is missing). The contract has "
        "an activity for it, and the next run of the cycles retries.",
    )
    invoice_payment_state = fields.Selection(
        related="invoice_id.payment_state", string="Payment"
    )

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

    def _get_hours_used_until(self, day):
        """Hours logged in this cycle up to ``day`` (a cancellation quote
        counts what happened up to its request date: issue 13, item 5), in
        one grouped query; 0 for no cycle."""
        if not self:
            return 0.0
        self.ensure_one()
        [(hours,)] = self.env["support.session"]._read_group(
            [("period_id", "=", self.id), ("date", "<=", day)], [], ["duration:sum"]
        )
        return hours or 0.0

    def _get_amount_received(self):
        """What the client paid of this cycle's fee (support policy §8: paid
        in advance), from its invoice: the fee less what the invoice still
        owes, in proportion when the invoice is the order's and bills more.

        :return: the amount, or ``None`` when no invoice tells (a cycle paid
            with its order before it was invoiced, or a zero fee): the fee
        """
        self.ensure_one()
        invoice = self.invoice_id.sudo()
        if not invoice or invoice.state != "posted":
            return None
        if invoice.payment_state in ("paid", "in_payment", "reversed"):
            return self.fee_amount
        total = invoice.amount_total
        if self.currency_id.is_zero(total):
            return None
        owed = self.fee_amount * invoice.amount_residual / total
        return self.currency_id.round(max(self.fee_amount - owed, 0.0))

    @api.depends("contract_id.name", "date_start", "date_end")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for period in self:
            period.display_name = _(
                "%(contract)s: %(start)s → %(end)s",
                contract=period.contract_id.name,
                start=format_day(period.env, period.date_start),
                end=format_day(period.env, period.date_end),
            )

    @api.constrains("contract_id", "date_start", "date_end")
    def _check_no_overlap(self):
        if self.contract_id.filtered(lambda c: c.kind != "monthly"):
            raise ValidationError(_("Only a monthly retainer runs in monthly cycles."))
        # One query for all the cycles checked (the cron opens hundreds).
        self.flush_model(["contract_id", "date_start", "date_end"])
        self.env.cr.execute(
            """
            SELECT 1
              FROM support_contract_period period
              JOIN support_contract_period other
                ON other.contract_id = period.contract_id
               AND other.id != period.id
               AND other.date_start <= period.date_end
               AND other.date_end >= period.date_start
             WHERE period.id IN %s
             LIMIT 1
            """,
            [tuple(self.ids)],
        )
        if self.env.cr.fetchone():
            raise ValidationError(_("The cycles of a contract cannot overlap."))

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
        period = self.create(self._next_values(contract, last, date))
        period._bill()
        return period

    @api.model
    def _next_values(self, contract, last, date):
        """Values of the cycle of ``contract`` that begins on ``date``, after
        its cycle ``last`` (possibly empty).

        Contiguous cycles keep the anchor of their series so they never
        drift; after a gap (a pause), ``date`` anchors a new series.
        """
        anchor, index = date, 0
        if last and (date - last.date_end).days == 1:
            anchor, index = last._anchor_and_index()
            index += 1
        date_start, date_end = period_bounds(anchor, index)
        return {
            "contract_id": contract.id,
            "sequence": (last.sequence or 0) + 1,
            "date_start": date_start,
            "date_end": date_end,
            "hours_base": contract.hours_included,
            "fee_amount": contract.amount_paid,
            "hours_carried_in": last.hours_carried_out if last else 0.0,
            "meetings_included": contract.plan_id.meetings_per_month,
            # The order that bought the contract pays its first cycle.
            "billed_by_order": bool(not last and contract.sale_line_id),
        }

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
        """Close open cycles: unused hours expire, or roll over if the plan says so.

        The client is emailed each cycle closed: the hours used and expired,
        and a request for the next cycle's priorities (policy §4, §7, §9).
        The email is queued (``close_mail_state``) and sent by the scheduled
        action 'Support: send cycle emails', so closing thousands of cycles
        does not wait for thousands of emails to be rendered. Only an open
        cycle is closed, so a cycle is told once. Not when the service ends
        with it (context ``support_final_close``: the contract is done or
        cancelled, and there is no next cycle).

        The cycle rows are locked and their state read again first: of two
        transactions closing the same cycle at once (two runs of the cron),
        the second waits, then fails with a serialization error, which is
        retried and finds the cycle closed, instead of going on with a stale
        snapshot until the next cycle's unique constraint stops it.
        """
        if self.ids:
            self.flush_recordset()
            self.env.cr.execute(
                "SELECT id FROM support_contract_period WHERE id IN %s "
                "FOR NO KEY UPDATE",
                [tuple(self.ids)],
            )
            self.invalidate_recordset(["state"])
        periods = self.filtered(lambda p: p.state == "open")
        if not periods:
            return
        tell_client = not self.env.context.get("support_final_close")
        notes = []
        for period in periods:
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
                    "close_mail_state": "queued" if tell_client else False,
                }
            )
            notes.append(
                (
                    contract.id,
                    _(
                        "Cycle %(start)s → %(end)s closed: %(used)s h used, "
                        "%(expired)s h expired, %(carried)s h carried over.",
                        start=format_day(self.env, period.date_start),
                        end=format_day(self.env, period.date_end),
                        used=format_hours(period.hours_used),
                        expired=format_hours(expired),
                        carried=format_hours(carried),
                    ),
                )
            )
        self.env["support.contract"]._log_notes(notes)
        if tell_client:
            self.env.ref(CLOSE_MAIL_CRON).sudo()._trigger()

    @api.model
    def _cron_send_close_mails(self, batch_size=500):
        """Email the clients the cycles closed (see ``_close``), in batches,
        committing each one outside tests and re-triggering itself while
        emails are left. A cycle is claimed under a row lock first, so two
        runs never send the same email.

        :return: the ``support.contract.period`` records whose email was sent
        """
        full, periods = claim_queued(self, "close_mail_state", batch_size)
        # Rendered and queued together, as a mass mailing: each on its
        # contract's chatter, as one by one (``_send_client_mails_batch``).
        self.env["support.contract"]._send_client_mails_batch(
            CLOSE_MAIL_TEMPLATE, [(period.contract_id, period) for period in periods]
        )
        periods.close_mail_state = "sent"
        _logger.info("Support cycles: %s closing emails sent", len(periods))
        if full:
            commit_batch(self.env)
            self.env.ref(CLOSE_MAIL_CRON).sudo()._trigger()
        return periods

    @api.model
    def _cron_roll_periods(self, batch_size=500):
        """Close cycles that ended and open the next ones, up to today.

        Idempotent: a closed cycle is never closed again and a cycle is only
        opened where none covers the day. Works in batches of cycles, each
        batch's contracts at once, committing each batch outside tests and
        re-triggering itself while work is left, so a killed run resumes
        where it stopped.
        """
        # The cycles whose invoice Odoo refused at an earlier run
        # (``_issue_invoices``), retried at the end of this run (below).
        refused = self.search(
            [
                ("invoice_error", "!=", False),
                ("invoice_id", "=", False),
                ("contract_id.state", "=", "active"),
            ],
            limit=batch_size,
            order="id",
        )
        Company = self.env["res.company"]
        found = self.search(
            [
                ("state", "=", "open"),
                ("date_end", "<", Company._support_upper_today()),
            ],
            limit=batch_size,
            order="date_end, id",
        )
        # Ended where their company is: not while its last day goes on there.
        ended = Company._support_filter_before_today(found, "date_end")
        contracts = ended.contract_id
        for company in contracts.company_id:
            self._roll_contracts(
                contracts.filtered(lambda c, co=company: c.company_id == co),
                company._support_today(),
            )
        _logger.info("Support cycles: %s contracts rolled", len(contracts))
        # More may be left only if the batch was full and not all of it is
        # still running somewhere.
        if len(found) == batch_size and ended:
            commit_batch(self.env)
            self.env.ref(ROLL_PERIODS_CRON)._trigger()
        else:
            # Once a run, by its last batch: retried by every batch, the
            # refusals of the batches before (1% of the clients without RUT
            # in a run of 10,000: 5 more each batch of 500) were refused
            # again and again, some 1,000 times in one run.
            refused._bill()
        return contracts

    @api.model
    def _roll_contract(self, contract, day):
        """Close the cycles of ``contract`` that ended before ``day`` and, if
        the service is active, open the following ones up to the cycle that
        covers ``day``, closing each missed one on the way.

        :return: the open cycle covering ``day``, possibly empty
        """
        return self._roll_contracts(contract, day).get(contract, self.browse())

    @api.model
    def _roll_contracts(self, contracts, day):
        """``_roll_contract`` for many contracts at once: each step (close,
        open, bill) is done for all of them together.

        :return: dict contract -> its open cycle covering ``day`` (only the
            contracts that have one)
        """
        if not contracts:
            return {}
        contracts._lock_for_consumption()
        # The locks may have waited for another run: read the cycles again.
        contracts.invalidate_recordset(["period_ids", "state", "end_last_day"])
        self.invalidate_model(["state"])
        # A retainer ended with notice (policy §7) whose last day is over is
        # closed, once: its last cycle closes as the final one and no cycle
        # opens or is billed after it (issue 13).
        ending = contracts.filtered(
            lambda c: (
                c.end_last_day
                and c.end_last_day < day
                and c.state in ("active", "paused")
            )
        )
        ending._end_with_notice()
        contracts.period_ids.filtered(
            lambda p: p.state == "open" and p.date_end < day
        )._close()
        current = {
            contract: contract.period_ids.sorted("date_start")[-1:]
            for contract in contracts
        }
        pending = [
            contract
            for contract in contracts
            if contract.state == "active"
            and current[contract]
            and current[contract].date_end < day
            and not (
                contract.end_last_day
                and current[contract].date_end >= contract.end_last_day
            )
        ]
        opened = self.browse()
        while pending:
            new = self.create(
                [
                    self._next_values(
                        contract,
                        current[contract],
                        current[contract].date_end + relativedelta(days=1),
                    )
                    for contract in pending
                ]
            )
            for contract, period in zip(pending, new, strict=True):
                current[contract] = period
            new.filtered(lambda p: p.date_end < day)._close()
            opened |= new
            pending = [
                c
                for c in pending
                if current[c].date_end < day
                and not (c.end_last_day and current[c].date_end >= c.end_last_day)
            ]
        opened._bill()
        return {
            contract: period
            for contract, period in current.items()
            if contract.state == "active"
            and period.state == "open"
            and period.date_start <= day
        }

    # ------------------------------------------------------------------
    # Billing: each cycle is paid in advance (policy §8)
    # ------------------------------------------------------------------
    def _bill(self):
        """Issue the invoice of each cycle's fee, once, as the cycle begins.

        The first cycle of a contract bought through a sale order is paid by
        the order: it takes the order's posted invoice if there is one (or
        when it is posted) and gets none of its own. Nothing is billed for a
        contract that is not running, a zero fee, or a company without a
        sales journal (no chart of accounts).

        Idempotent: the cycle rows are locked and read again first, so a
        cycle never gets two invoices. Never raises for one client's
        invoice: see ``_issue_invoices``.

        :return: the ``account.move`` invoices created
        """
        invoices = self.env["account.move"]
        if not self:
            return invoices
        self.flush_recordset()
        self.env.cr.execute(
            "SELECT id FROM support_contract_period WHERE id IN %s FOR NO KEY UPDATE",
            [tuple(self.ids)],
        )
        self.invalidate_recordset(["invoice_id", "billed_by_order"])
        # Odoo's fiscal position searches remembered by region while the
        # values are prepared (account.fiscal.position._get_fpos_by_region).
        cache = self.env.cr.cache
        opened = FPOS_BY_REGION_MEMO not in cache
        cache.setdefault(FPOS_BY_REGION_MEMO, {})
        try:
            to_invoice = self._get_invoice_values()
        finally:
            if opened:
                cache.pop(FPOS_BY_REGION_MEMO, None)
        for company in {period.company_id for period, _values in to_invoice}:
            invoices |= self._issue_invoices(
                company, [(p, v) for p, v in to_invoice if p.company_id == company]
            )
        return invoices

    def _get_invoice_values(self):
        """The cycles of ``self`` to invoice now, with their invoice values
        (``_bill``); records the refusal of those whose values are refused
        (``_billing_failed``).

        :return: list of (``support.contract.period``, invoice values)
        """
        to_invoice = []
        journals = {}
        # One fiscal position a client (Odoo searches them for each call).
        fiscal_positions = {}
        for period in self:
            contract = period.contract_id
            if period.invoice_id or contract.state != "active":
                continue
            if period.billed_by_order:
                period._link_order_invoice()
                continue
            if contract.currency_id.is_zero(period.fee_amount):
                continue
            company = contract.company_id
            if company not in journals:
                journals[company] = period._get_invoice_journal()
            journal = journals[company]
            if not journal:
                _logger.info(
                    "Support cycle %s not invoiced: company %s has no sales journal",
                    period.id,
                    company.name,
                )
                continue
            try:
                to_invoice.append(
                    (
                        period,
                        period._prepare_invoice_values(
                            journal, fiscal_positions=fiscal_positions
                        ),
                    )
                )
            except UserError as error:
                period._billing_failed(error)
        return to_invoice

    @api.model
    def _issue_invoices(self, company, batch):
        """Create the invoices of ``batch``, and post them if the company
        posts cycle invoices (``support_invoice_auto_post``).

        All at once (one create and one posting), in a savepoint; if Odoo
        refuses one of them (e.g. a client without the tax id its document
        needs), each alone in its own savepoint, so one client never stops
        the billing of the others (policy §8: every cycle is billed as it
        begins). A refused cycle keeps no invoice, gets ``invoice_error`` and
        an activity, and is tried again by the next run.

        :param batch: list of (``support.contract.period``, invoice values)
        :return: the ``account.move`` invoices created
        """
        try:
            with self.env.cr.savepoint():
                return self._create_invoices(company, batch)
        except UserError as error:  # ValidationError is a UserError
            if len(batch) == 1:
                batch[0][0]._billing_failed(error)
                return self.env["account.move"]
        invoices = self.env["account.move"]
        for item in batch:
            try:
                with self.env.cr.savepoint():
                    invoices |= self._create_invoices(company, [item])
            except UserError as error:
                item[0]._billing_failed(error)
        return invoices

    @api.model
    def _create_invoices(self, company, batch):
        """Create the invoices of ``batch`` (see ``_issue_invoices``).

        As Odoo's ``create`` would, with three of its steps done once for
        the batch instead of once an invoice (profiled on l10n_cl, issue 17):
        the default sales team (a ``crm.team`` search an invoice); the
        creation message (a ``message_post`` an invoice, 8% of a batch),
        logged for all the invoices at once (``_support_log_creation``); and
        the draft's number: a draft is created as ``/``, the name Odoo gives
        every draft but the first of a period (which it numbers at once,
        looking for the last number of each invoice's sequence first, a
        tenth of a batch); each invoice is numbered when it is posted, in
        the same order.
        """
        Move = self.env["account.move"].sudo().with_company(company)
        defaults = {**Move.default_get(["team_id"]), "name": "/"}
        created = Move.with_context(mail_create_nolog=True).create(
            [{**defaults, **values} for _period, values in batch]
        )
        created._support_log_creation()
        # The localization's choices (e.g. the SII document type) and checks.
        created._support_prepare_documents()
        for (period, _values), invoice in zip(batch, created, strict=True):
            period.invoice_id = invoice
        if company.support_invoice_auto_post:
            # The client is told when the invoice is posted (account.move).
            created.action_post()
        for (period, _values), invoice in zip(batch, created, strict=True):
            period._billing_succeeded(invoice)
        return created

    def _billing_succeeded(self, invoice):
        """Close what an earlier refusal of this cycle's invoice asked the
        team to do, now that ``invoice`` is issued."""
        self.ensure_one()
        error = self.invoice_error
        if error:
            self.invoice_error = False
            self.contract_id.sudo().activity_ids.filtered(
                lambda a: a.summary == error
            ).action_feedback(
                feedback=_("Invoice %(invoice)s issued.", invoice=invoice.name)
            )

    def _billing_failed(self, error):
        """Record why Odoo refused this cycle's invoice and ask the contract's
        consultant and the company's accountant to fix it; the next run of
        the cycles retries (``_cron_roll_periods``)."""
        self.ensure_one()
        contract = self.contract_id.sudo()
        reason = str(error.args[0] if error.args else error).strip()
        summary = reason.splitlines()[0][:200] if reason else _("Invoice refused")
        _logger.warning(
            "Support cycle %s of contract %s (client %s) not invoiced: %s",
            self.id,
            contract.name,
            contract.partner_id.commercial_partner_id.display_name,
            reason,
        )
        self.invoice_error = summary
        accountants = self.env.ref("account.group_account_manager").users.filtered(
            lambda u: contract.company_id in u.company_ids and not u.share
        )
        users = contract.user_id | accountants.sorted("id")[:1]
        for user in users or self.env.user:
            if contract.activity_ids.filtered(
                lambda a, u=user: a.summary == summary and a.user_id == u
            ):
                continue
            contract.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=summary,
                note=_(
                    "The invoice of the cycle %(start)s to %(end)s could not be "
                    "issued: %(reason)s Fix it; the next run of the cycles "
                    "issues it.",
                    start=format_day(self.env, self.date_start),
                    end=format_day(self.env, self.date_end),
                    reason=reason,
                ),
            )

    def _link_order_invoice(self):
        """Link cycles paid with the order to the order's posted invoice."""
        for period in self.filtered(lambda p: p.billed_by_order and not p.invoice_id):
            invoice = (
                period.contract_id.sudo()
                .sale_line_id.invoice_lines.move_id.filtered(
                    lambda move: (
                        move.move_type == "out_invoice" and move.state == "posted"
                    )
                )
                .sorted("id")[:1]
            )
            if invoice:
                period.invoice_id = invoice

    def _get_invoice_journal(self):
        """The sales journal the cycle's invoice goes to; empty if none."""
        self.ensure_one()
        company = self.contract_id.company_id
        Journal = self.env["account.journal"].sudo()
        return Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "sale")],
            limit=1,
        )

    def _prepare_invoice_values(self, journal, fiscal_positions=None):
        """Values of the invoice of this cycle's fee.

        One line of the plan's product for the fee, IVA included with the
        product's taxes (mapped by the client's fiscal position), dated the
        day the cycle begins, or today if it is issued late: an invoice is
        never back-dated.

        :param dict fiscal_positions: the fiscal positions found so far, by
            company and client, filled here (``_bill``: one search a client
            per batch, not one an invoice: a fifth of a batch's time on
            l10n_cl, profiled)
        """
        self.ensure_one()
        contract = self.contract_id
        company = contract.company_id
        currency = contract.currency_id
        partner = (
            contract.sudo().sale_order_id.partner_invoice_id or contract.partner_id
        )
        if fiscal_positions is None:
            fiscal_positions = {}
        key = (company.id, partner.id)
        if key not in fiscal_positions:
            fiscal_positions[key] = (
                self.env["account.fiscal.position"]
                .sudo()
                .with_company(company)
                ._get_fiscal_position(partner)
            )
        fiscal_position = fiscal_positions[key]
        product = contract.plan_id.sudo().product_id
        taxes = fiscal_position.map_tax(
            product.taxes_id._filter_taxes_by_company(company)
        )
        price_unit = contract._get_price_unit_for_total(
            self.fee_amount, taxes, currency
        )
        today = company._support_today()
        return {
            "move_type": "out_invoice",
            "journal_id": journal.id,
            "company_id": company.id,
            "partner_id": partner.id,
            "currency_id": currency.id,
            "fiscal_position_id": fiscal_position.id,
            "invoice_date": max(self.date_start, today),
            "invoice_origin": contract.name,
            "invoice_user_id": contract.user_id.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "name": _(
                            "%(plan)s: cycle %(start)s to %(end)s (%(contract)s)",
                            plan=contract.plan_id.name,
                            start=format_day(self.env, self.date_start),
                            end=format_day(self.env, self.date_end),
                            contract=contract.name,
                        ),
                        "quantity": 1.0,
                        "price_unit": price_unit,
                        "tax_ids": [Command.set(taxes.ids)],
                        # The order's recurring invoice: in its invoices, not
                        # in its invoiced quantity (sale.order.line).
                        "sale_line_ids": [
                            Command.set(contract.sudo().sale_line_id.ids)
                        ],
                        "support_beyond_order": True,
                    }
                )
            ],
        }

    def _get_overdue(self, day):
        """The cycles whose invoice is still unpaid after the grace on ``day``.

        The grace is the company's days to pay a cycle, counted from the
        invoice's due date.

        :return: ``support.contract.period`` records
        """

        def overdue(period):
            invoice = period.invoice_id.sudo()
            if invoice.state != "posted" or invoice.payment_state not in (
                "not_paid",
                "partial",
            ):
                return False
            due = invoice.invoice_date_due or invoice.invoice_date
            grace = period.company_id.support_billing_grace_days
            return bool(due) and day > due + timedelta(days=grace)

        return self.filtered(overdue)

    @api.model
    def _cron_pause_unpaid(self):
        """Pause the retainers with a cycle invoice unpaid after the grace.

        Idempotent: only running contracts are paused, so a second run the
        same day changes nothing; paying resumes them (``account.move``,
        ``_invoice_paid_hook``).

        :return: the ``support.contract`` records paused
        """
        unpaid = self.search(
            [
                ("invoice_id", "!=", False),
                ("invoice_id.state", "=", "posted"),
                ("invoice_id.payment_state", "in", ("not_paid", "partial")),
                ("contract_id.state", "=", "active"),
            ]
        )
        # Overdue on each company's day (issue 13, item 1).
        overdue = self.browse()
        for company in unpaid.company_id:
            overdue |= unpaid.filtered(
                lambda p, c=company: p.company_id == c
            )._get_overdue(company._support_today())
        for contract in overdue.contract_id:
            contract._pause_for_payment(
                overdue.filtered(lambda p, c=contract: p.contract_id == c)
            )
        _logger.info(
            "Support cycles: %s contracts paused unpaid", len(overdue.contract_id)
        )
        return overdue.contract_id
