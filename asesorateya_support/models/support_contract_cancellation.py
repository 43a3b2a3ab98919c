# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..const import (
    CANCELLABLE_STATES,
    CANCELLATION_REQUEST_MAIL_TEMPLATE,
    GROUP_MANAGER,
    SINGLE_SESSION_KINDS,
)
from ..formatting import format_day, format_hours, format_money, format_percent
from ..policy import (
    AMOUNT_KEYS,
    PREFERENCES,
    compute_quote,
    decide_cancellation,
    hours_consumed,
    net_use,
    weighted_progress,
)
from ..utils import check_text, to_date


class SupportContract(models.Model):
    """Cancelling a contract as its policy says (support policy §5, §10;
    agency policy §3, §4).

    :meth:`cancellation_quote` is the single source of truth of what a
    cancellation gives back (the maths are the pure functions of
    ``policy/cancellation.py``); :meth:`action_cancel_by_policy` cancels as
    it says and settles a refund, a credit or nothing. A diagnosis or an
    incident whose case exceeds its scope becomes a credit instead
    (:meth:`action_convert_to_credit`).
    """

    # One file per concern (STYLE.md, "Layout"), not one class of 2,000 lines.
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited

    cancellation_ids = fields.One2many(
        "support.cancellation", "contract_id", string="Cancellations"
    )
    credit_ids = fields.One2many(
        "support.credit", "contract_id", string="Credits issued"
    )

    def action_open_cancellation(self):
        """Open the cancellation wizard: the quote, then the client's choice."""
        self.ensure_one()
        self._check_state(CANCELLABLE_STATES, _("Cancelling"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Cancel %(contract)s", contract=self.name),
            "res_model": "support.contract.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_view_cancellation(self):
        """Open the cancellation of this contract."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.cancellation",
            "res_id": self.cancellation_ids[:1].id,
            "view_mode": "form",
        }

    def action_view_credits(self):
        """Open the credits this contract gave."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "asesorateya_support.support_credit_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.credit_ids) == 1:
            action.update(
                view_mode="form", views=[(False, "form")], res_id=self.credit_ids.id
            )
        return action

    def action_convert_to_credit(self, reason):
        """Convert a diagnosis or incident that exceeds its scope into a credit.

        Policy §5: when the case turns out larger than the service, the amount
        paid can go to an hour bag, a diagnosis or a larger service. Once its
        session was held, the whole amount paid becomes a credit in the
        client's favour, valid for the months of the contract's policy version
        from today. A contract is converted once; a running one is closed.

        :param str reason: why the case exceeds the scope, told to the client
        :return: the ``support.credit``
        """
        self.ensure_one()
        self._check_convertible_to_credit(reason)
        today = self.company_id._support_today()
        credit = self.env["support.credit"]._issue(
            self.partner_id,
            self.amount_paid,
            "conversion",
            today,
            self._get_policy_version(),
            contract_id=self.id,
            company_id=self.company_id.id,
            reason=reason,
        )
        if self.state == "active":
            self.action_done()
        validity = (
            _("valid until %(date)s", date=format_day(self.env, credit.date_expiry))
            if credit.date_expiry
            else _("with no expiry")
        )
        self.message_post(
            body=_(
                "The case exceeds the scope of %(contract)s: %(reason)s. "
                "As the policy provides (§5), the amount paid, %(amount)s, "
                "becomes a credit in your favour (%(credit)s) for an hour bag, "
                "a diagnosis or a larger AsesórateYa service, %(validity)s.",
                contract=self.name,
                reason=reason.strip().rstrip("."),
                amount=format_money(self.env, credit.amount, self.currency_id),
                credit=credit.name,
                validity=validity,
            ),
            partner_ids=self.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        return credit

    def _check_convertible_to_credit(self, reason):
        """Refuse a conversion policy §5 does not allow: another kind than a
        diagnosis or an incident, no reason, a contract converted already,
        not held yet or not paid.

        The contract's row is locked first: of two conversions of the same
        contract, the second waits, then sees the credit (a unique index
        guards it too).

        :raise UserError: naming what is missing
        """
        self.check_access_rights("write")
        self.check_access_rule("write")
        if not (reason or "").strip():
            raise UserError(
                _("Say why the case exceeds the scope: a reason is required.")
            )
        if self.kind not in SINGLE_SESSION_KINDS:
            raise UserError(
                _(
                    "Only a diagnosis or an incident is converted into a credit "
                    "(policy §5); %(contract)s is not one.",
                    contract=self.name,
                )
            )
        self._lock_for_consumption()
        self.invalidate_recordset(["state", "credit_ids"])
        if self.credit_ids.filtered(lambda credit: credit.origin == "conversion"):
            raise UserError(
                _(
                    "%(contract)s was already converted into a credit.",
                    contract=self.name,
                )
            )
        self._check_state(("active", "done"), _("Converting into a credit"))
        if self.state == "active" and not self.session_ids:
            raise UserError(
                _(
                    "The session of %(contract)s has not been held yet: log it "
                    "before converting the service into a credit.",
                    contract=self.name,
                )
            )
        if self.currency_id.compare_amounts(self.amount_paid, 0.0) <= 0:
            raise UserError(
                _(
                    "Nothing was paid for %(contract)s: there is nothing to "
                    "convert into a credit.",
                    contract=self.name,
                )
            )

    # ------------------------------------------------------------------
    # Quote (support policy §10, agency policy §3, §4)
    # ------------------------------------------------------------------
    def cancellation_quote(self, request_date=None):
        """What cancelling this contract on ``request_date`` gives the client.

        The single source of truth of every cancellation: the wizard, the
        portal and the reports show it, and a confirmed cancellation stores
        it. It never writes. The maths live in
        :func:`odoo.addons.asesorateya_support.policy.compute_quote`; this
        method gathers the facts (the policy version that governs the
        contract, the hours used, the current cycle, the project's progress)
        with a constant number of queries, whatever the number of logs.

        Only what happened up to the request date counts (support §10,
        "hasta la fecha de cancelación"): logs dated after it are left out.

        :param request_date: the day the client asked (default: the
            company's today)
        :return: a dict with exactly the keys of
            :data:`~odoo.addons.asesorateya_support.policy.QUOTE_KEYS`:

            - ``phase``: ``before_start`` or ``started`` (the first net use
              of hours, the first cycle, a project's start or first recorded
              progress);
            - ``legal_basis``: ``withdrawal``, ``before_start`` or
              ``after_start``;
            - ``amount_paid``: what the quote counts as received (a monthly
              plan: what was paid of the current cycle's fee);
            - ``work_done_amount``: the work done up to the request date, the
              one rounded amount (half-up to the currency step);
            - ``refundable_amount``: what was received less the work done
              (a project's deposit always kept);
            - ``refund_amount``, ``credit_amount``: what the policy gives of
              it by itself;
            - ``extra_invoice_amount``: a project's work beyond what was paid;
            - ``invoice_reversal_amount``: a monthly plan's unpaid cycle
              invoice part reversed by a credit note (never a credit);
            - ``credit_expiry_date``: the §10 credit's last day, or ``None``;
            - ``explanation``: in Spanish, citing the policy clauses.

            Amounts in the contract currency, IVA included, never negative.
        :raise UserError: on a request dated before the purchase or in the
            future, a project whose items do not weigh 100%, or no policy
        """
        self.ensure_one()
        return self._get_cancellation_quote(
            self._get_cancellation_request_date(request_date)
        )

    def _get_cancellation_request_date(self, request_date):
        """The day of a cancellation request, read once where it enters
        (:meth:`cancellation_quote`, :meth:`action_cancel_by_policy`).

        :param request_date: a date, its ``YYYY-MM-DD`` text, or empty for
            today
        :return: the ``date``
        :raise ValidationError: on a value that is no date
        :raise UserError: on a day in the future or before the purchase
        """
        today = self.company_id._support_today()
        request_date = to_date(request_date, _("The request date")) or today
        if request_date > today:
            raise UserError(_("A cancellation request cannot be dated in the future."))
        if request_date < self.date_purchase:
            raise UserError(
                _(
                    "The request (%(date)s) cannot precede the purchase of "
                    "%(contract)s (%(purchase)s).",
                    date=format_day(self.env, request_date),
                    contract=self.name,
                    purchase=format_day(self.env, self.date_purchase),
                )
            )
        return request_date

    def _get_cancellation_quote(self, request_date):
        """:meth:`cancellation_quote` of a request date already read.

        :param date request_date: from :meth:`_get_cancellation_request_date`
        """
        version = self._get_policy_version()
        facts, period = self._get_cancellation_facts(version, request_date)
        quote, details = compute_quote(**facts)
        for key in AMOUNT_KEYS:
            quote[key] = float(quote[key])
        quote["explanation"] = self._cancellation_explanation(
            quote, details, version, request_date, period
        )
        return quote

    def _get_cancellation_facts(self, version, request_date):
        """The facts :func:`~odoo.addons.asesorateya_support.policy.compute_quote`
        needs for a request on ``request_date``, in a constant number of
        queries: the version's terms, the purchase and start, what was paid,
        and by kind the hours used, the cycle covering the day, or the
        project's weighted progress.

        Only what happened up to the request date counts ("hasta la fecha de
        cancelación", support policy §10; issue 13, item 5): the logs dated
        after it are left out, wherever the quote is shown.

        :return: ``(facts, period)``: the keyword arguments of
            ``compute_quote``, and the cycle covering the day (empty but for a
            monthly retainer)
        """
        facts = dict(
            version._terms_for_quote(),
            kind=self.kind,
            request_date=request_date,
            date_purchase=self.date_purchase,
            date_start=self.date_start,
            amount_paid=self.amount_paid,
            rounding=self.currency_id.rounding,
        )
        period = self.env["support.contract.period"]
        if self.kind in ("hour_bag", "diagnosis", "incident"):
            # One query, whatever the number of logs: the net time up to the
            # request (a bag's from its stored totals, _get_net_use). The
            # service starts with the first net use of hours (support §10;
            # issue 13, item 2).
            used, first_use = self._get_net_use(request_date)
            facts.update(
                date_start=first_use,
                hours_included=self.hours_included,
                hours_used=hours_consumed(self.kind, used, self.hours_included),
            )
        elif self.kind == "monthly":
            period = self._period_for(request_date)
            facts.update(
                has_period=bool(period),
                period_fee=period.fee_amount,
                period_hours=period.hours_base,
                period_hours_used=period._get_hours_used_until(request_date),
                period_hours_carried_in=period.hours_carried_in,
                # No cycle covers the day when the cycle cron has not opened
                # the next one yet (a server down at the turn of the cycle):
                # nothing of a cycle to give back, not a crash.
                period_amount_received=(
                    period._get_amount_received() if period else None
                ),
            )
        elif self.kind == "project":
            items = self.project_item_ids
            if self.date_start or any(item.progress for item in items):
                self._check_project_items()
            facts.update(
                project_total=self.amount_total,
                deposit_amount=self.amount_deposit,
                project_progress=weighted_progress(
                    [(i.weight, i.progress) for i in items] or [(100, 0)],
                    version.progress_step_percent,
                ),
            )
        return facts, period

    def _get_net_use(self, until=None):
        """Net hours logged on this contract up to ``until`` (all if
        ``None``), and the first day with a net use: one grouped query.

        An hour bag's quote (``until`` given) reads neither all its logs: its
        stored totals say the same (:meth:`_get_bag_net_use_until`).

        :return: ``(hours, first_day)`` as :func:`~odoo.addons.
            asesorateya_support.policy.net_use` gives them
        """
        self.ensure_one()
        if until and self.kind == "hour_bag":
            return self._get_bag_net_use_until(until)
        domain = [("contract_id", "=", self.id)]
        if until:
            domain.append(("date", "<=", until))
        data = self.env["support.session"]._read_group(
            domain, ["date:day"], ["duration:sum"]
        )
        return net_use(data)

    def _get_bag_net_use_until(self, until):
        """:meth:`_get_net_use` of an hour bag up to ``until``, from what the
        bag stores, in one query bounded by the logs dated after ``until``
        (none for a quote of today: a log is never dated after the
        company's day), not by the bag's history (README, "Benchmark").

        - The hours: ``hours_used`` is the sum of all the bag's logs (a
          bag consumes the time logged, :func:`~odoo.addons.
          asesorateya_support.policy.hours_consumed`), less those after.
        - The first use: ``date_start`` is the bag's first day of net use
          over all its logs (set by each log, recomputed by each
          correction, :meth:`_update_effective_start`). A day's net time is
          never negative (a correction is dated as its log), so the first
          day of net use up to ``until`` is that day when it is not after
          ``until``, and there is none otherwise.

        :return: ``(hours, first_day)`` as :meth:`_get_net_use`
        """
        self.ensure_one()
        # Dated after the request: read through the logs' index on
        # (contract_id, date), as many as there are after ``until``.
        [(after,)] = self.env["support.session"]._read_group(
            [("contract_id", "=", self.id), ("date", ">", until)],
            [],
            ["duration:sum"],
        )
        first_use = self.date_start or None
        if first_use and first_use > until:
            first_use = None
        return max(self.hours_used - (after or 0.0), 0.0), first_use

    def _update_effective_start(self):
        """Set the effective start of session-based contracts (bag,
        diagnosis, incident) to their first net use of hours, after a
        correction: a log corrected to 0 h no longer starts the service
        (support policy §10; issue 13, item 2). The change is tracked."""
        for contract in self.filtered(
            lambda c: c.kind in ("hour_bag", "diagnosis", "incident")
        ):
            first_use = contract._get_net_use()[1]
            if contract.date_start != first_use:
                contract.date_start = first_use

    # ------------------------------------------------------------------
    # Cancellation (support policy §10, agency policy §3, §4)
    # ------------------------------------------------------------------
    def action_cancel_by_policy(
        self, request_date=None, preference="policy", reason=None, channel="backend"
    ):
        """Cancel the contract as its policy says, and settle what was paid.

        The quote of ``request_date`` is stored in a ``support.cancellation``
        with the decision (:func:`~odoo.addons.asesorateya_support.policy.
        decide_cancellation`). A refund the policy does not grant by itself
        (the client prefers a refund to the credit, or the policy asks for a
        review) waits for a manager, unless a manager records it; everything
        else is settled at once. Work done beyond what was paid (projects) is
        invoiced. The contract is cancelled on the request date and takes no
        more logs.

        :param request_date: the day the client asked (default: today)
        :param str preference: what the client asked for: ``policy`` (the
            policy's outcome), ``credit`` or ``refund``
        :param str reason: why the client cancels, if it says
        :param str channel: ``backend`` or ``portal``
        :return: the ``support.cancellation``
        """
        self.ensure_one()
        if preference not in PREFERENCES:
            raise UserError(_("Choose a credit, a refund or what the policy says."))
        check_text(reason, _("The reason of the cancellation"))
        # Serialise two confirmations of the same cancellation: the second
        # waits, then sees the contract cancelled.
        self._lock_for_consumption()
        self.invalidate_recordset(["state"])
        if self.state == "cancelled" or self.cancellation_ids:
            raise UserError(_("%(contract)s is already cancelled.", contract=self.name))
        self._check_state(CANCELLABLE_STATES, _("Cancelling"))
        request_date = self._get_cancellation_request_date(request_date)
        quote = self._get_cancellation_quote(request_date)
        self._check_no_log_after(request_date)
        decision, pending = decide_cancellation(
            preference,
            refundable_amount=quote["refundable_amount"],
            refund_amount=quote["refund_amount"],
            credit_amount=quote["credit_amount"],
            refund_needs_approval=self.policy_version_id.refund_needs_approval,
            is_manager=self.env.user.has_group(GROUP_MANAGER),
        )
        cancellation = (
            self.env["support.cancellation"]
            .sudo()
            .create(
                self._prepare_cancellation_values(
                    quote, request_date, preference, reason, channel, pending
                )
            )
        )
        self._set_cancelled(request_date)
        self._settle_cancellation(cancellation, quote, decision, pending)
        return cancellation.sudo(self.env.su)

    def _check_no_log_after(self, request_date):
        """Refuse a request dated before the last session logged: that work
        was done after it (the quote would not charge it).

        :raise UserError: naming the day of the last session
        """
        [(last_log,)] = self.env["support.session"]._read_group(
            [("contract_id", "=", self.id)], [], ["date:max"]
        )
        if last_log and last_log > request_date:
            raise UserError(
                _(
                    "A session was logged on %(date)s, after the request date: "
                    "date the request on or after the last session.",
                    date=format_day(self.env, last_log),
                )
            )

    def _prepare_cancellation_values(
        self, quote, request_date, preference, reason, channel, pending
    ):
        """Values of the ``support.cancellation`` of this contract: the quote
        as given, who asked, how and what for, and whether it waits for a
        manager."""
        self.ensure_one()
        return {
            "contract_id": self.id,
            "policy_version_id": self.policy_version_id.id,
            "request_date": request_date,
            "requested_by_id": self.env.user.id,
            "channel": channel,
            "reason": reason,
            "client_preference": preference,
            **self.env["support.cancellation"]._prepare_quote_values(quote),
            "state": "to_approve" if pending else "done",
        }

    def _settle_cancellation(self, cancellation, quote, decision, pending):
        """Note the request for the team, invoice the work done beyond what
        was paid, then settle the cancellation, or ask a manager to decide it
        and tell the client it waits.

        :param cancellation: the new ``support.cancellation``
        :param str decision: as :func:`decide_cancellation` gives it
        :param bool pending: whether a manager decides
        """
        self.ensure_one()
        # A note for the team: the client is emailed the request (when it
        # waits for a manager) and the settlement, each with the quote.
        self.message_post(
            body=_(
                "Cancellation requested on %(date)s (%(name)s).\n%(explanation)s",
                date=format_day(self.env, cancellation.request_date),
                name=cancellation.name,
                explanation=quote["explanation"],
            ),
        )
        if quote["extra_invoice_amount"]:
            cancellation.extra_move_id = cancellation._create_move(
                "out_invoice",
                quote["extra_invoice_amount"],
                _(
                    "Work done on %(contract)s beyond what was paid "
                    "(cancellation %(name)s)",
                    contract=self.name,
                    name=cancellation.name,
                ),
            )
        if quote["invoice_reversal_amount"]:
            self._reverse_unpaid_cycle(
                cancellation,
                self._period_for(cancellation.request_date),
                quote["invoice_reversal_amount"],
            )
        if pending:
            cancellation._schedule_approval()
            self._send_client_mail(CANCELLATION_REQUEST_MAIL_TEMPLATE, cancellation)
        else:
            cancellation._settle(decision, user=self.env.user)

    def _reverse_unpaid_cycle(self, cancellation, period, amount):
        """Settle the unpaid cycle of a cancelled retainer on its invoice: a
        credit note of ``amount`` (the fee less the work done or what was
        received), reconciled with the cycle's invoice, which then owes only
        the work done not paid (support policy §8; issue 13, item 4).

        :return: the credit note
        """
        self.ensure_one()
        invoice = period.invoice_id.sudo()
        move = cancellation._create_move(
            "out_refund",
            amount,
            _(
                "Unused part of the unpaid cycle %(start)s to %(end)s "
                "(cancellation %(name)s)",
                start=format_day(self.env, period.date_start),
                end=format_day(self.env, period.date_end),
                name=cancellation.name,
            ),
        )
        (move.line_ids | invoice.line_ids).filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        ).reconcile()
        cancellation.sudo().reversal_move_id = move
        return move

    # ------------------------------------------------------------------
    # Explanation of a quote, citing the policy's clauses
    # ------------------------------------------------------------------
    def _get_explanation_lang(self):
        """The language of a quote's explanation: the client's when it speaks
        Spanish, else the installed Spanish closest to Chile (the policies
        are Spanish documents), else the user's."""
        self.ensure_one()
        if (self.partner_id.lang or "").startswith("es"):
            return self.partner_id.lang
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        for code in ["es_CL"] + sorted(c for c in installed if c.startswith("es")):
            if code in installed:
                return code
        return self.env.lang

    def _cancellation_explanation(self, quote, details, version, request_date, period):
        """The quote told to the client, citing the policy clause: the
        version that governs, the legal basis of the request, the work
        invoiced beyond what was paid, then the outcome.

        :param dict quote: the amounts of ``compute_quote``
        :param dict details: the figures ``compute_quote`` explains them with
        :param version: the governing ``support.policy.version``
        :param date request_date: the day the client asked
        :param period: the monthly cycle covering that day, if any
        :return: the lines of the explanation, in the client's Spanish
        :rtype: str
        """
        # ``_()`` reads the language from ``self``: rebinding it is the point,
        # and the steps below are called on the rebound record.
        self = self.with_context(lang=self._get_explanation_lang())  # pylint: disable=self-cls-assignment
        lines = [
            _(
                "Governed by %(policy)s (version %(number)s, in force since "
                "%(date)s), accepted on %(purchase)s.",
                # The policy's name in the client's language too, not the
                # caller's (``version`` comes in the caller's environment).
                policy=version.policy_id.with_env(self.env).name,
                number=version.number,
                date=format_day(self.env, version.date_from),
                purchase=format_day(self.env, self.date_purchase),
            )
        ]
        basis = quote["legal_basis"]
        if basis == "withdrawal":
            lines += self._explain_withdrawal(quote, version, request_date)
        elif basis == "before_start":
            lines += self._explain_before_start(details)
        else:
            lines += self._explain_after_start(
                quote, details, version, request_date, period
            )
        if quote["extra_invoice_amount"]:
            lines.append(
                _(
                    "The work done exceeds what was paid: %(amount)s will be "
                    "invoiced (agency policy §4.2).",
                    amount=format_money(
                        self.env, quote["extra_invoice_amount"], self.currency_id
                    ),
                )
            )
        if quote["invoice_reversal_amount"]:
            lines.append(
                _(
                    "This cycle's invoice was not fully paid (the cycle is paid "
                    "in advance, policy §8): %(amount)s of it is cancelled by a "
                    "credit note, and only the work done not paid, if any, "
                    "stays due.",
                    amount=format_money(
                        self.env, quote["invoice_reversal_amount"], self.currency_id
                    ),
                )
            )
        lines += self._explain_outcome(quote, details, version)
        return "\n".join(lines)

    def _explain_withdrawal(self, quote, version, request_date):
        """Lines of a request within the statutory withdrawal (SERNAC, §10)."""
        return [
            _(
                "Your request of %(date)s is within the statutory "
                "withdrawal period of %(days)s days from the purchase and "
                "the service has not started (SERNAC; policy §10): the "
                "whole amount paid, %(amount)s, is refunded.",
                date=format_day(self.env, request_date),
                days=version.withdrawal_days,
                amount=format_money(self.env, quote["amount_paid"], self.currency_id),
            )
        ]

    def _explain_before_start(self, details):
        """Lines of a request before the service started (policy §10), and a
        project's deposit kept (agency policy §3.3)."""
        lines = [
            _(
                "The service has not started yet (no session held, no "
                "hours used, no cycle begun; policy §10): nothing is "
                "charged for work.",
            )
        ]
        if self.kind == "project" and details["deposit"]:
            lines.append(
                _(
                    "The deposit of %(deposit)s is not refundable (agency "
                    "policy §3.3).",
                    deposit=format_money(
                        self.env, details["deposit"], self.currency_id
                    ),
                )
            )
        return lines

    def _explain_after_start(self, quote, details, version, request_date, period):
        """Lines of a request after the effective start: the work done, by
        kind of plan (policy §4, §10; agency policy §3.3, §4.3)."""
        env, currency = self.env, self.currency_id
        if self.kind == "hour_bag":
            return [
                _(
                    "The service started on %(start)s. The work done is "
                    "charged (policy §10): %(used)s h of %(included)s h at "
                    "%(rate)s per hour, %(work)s.",
                    start=format_day(env, self.date_start),
                    used=format_hours(self.hours_used),
                    included=format_hours(self.hours_included),
                    rate=format_money(env, details["rate"], currency),
                    work=format_money(env, quote["work_done_amount"], currency),
                )
            ]
        if self.kind in SINGLE_SESSION_KINDS:
            return [
                _(
                    "The session of this service was held on %(start)s: it is "
                    "the whole service (policy §4), so the amount paid, "
                    "%(work)s, covers work done and nothing is left to give "
                    "back (policy §10).",
                    start=format_day(env, self.date_start),
                    work=format_money(env, quote["work_done_amount"], currency),
                )
            ]
        if self.kind == "monthly":
            return self._explain_monthly_cycle(quote, details, request_date, period)
        if self.kind == "project":
            return [
                _(
                    "The project is %(progress)s%% done (items weighted, in "
                    "steps of %(step)s%%; agency policy §4.3): work done "
                    "%(work)s of %(total)s. The deposit of %(deposit)s is not "
                    "refundable (agency policy §3.3).",
                    progress=format_percent(details["progress"]),
                    step=version.progress_step_percent,
                    work=format_money(env, quote["work_done_amount"], currency),
                    total=format_money(env, self.amount_total, currency),
                    deposit=format_money(env, details["deposit"], currency),
                )
            ]
        return []

    def _explain_monthly_cycle(self, quote, details, request_date, period):
        """Lines of a retainer: only the current cycle counts (policy §10)."""
        env, currency = self.env, self.currency_id
        if not period:
            return [
                _(
                    "Monthly plan: no cycle is running on %(date)s, and "
                    "earlier cycles are not refundable (policy §10).",
                    date=format_day(env, request_date),
                )
            ]
        return [
            _(
                "Monthly plan: only the unused hours of the current "
                "cycle (%(start)s to %(end)s) count; earlier cycles "
                "were delivered and are not refundable (policy §10). "
                "This cycle's fee is %(fee)s for %(hours)s h; "
                "%(unused)s h are unused, at %(rate)s per hour.",
                start=format_day(env, period.date_start),
                end=format_day(env, period.date_end),
                fee=format_money(env, details["fee"], currency),
                hours=format_hours(period.hours_base),
                unused=format_hours(float(details["hours_unused"])),
                rate=format_money(env, details["rate"], currency),
            )
        ]

    def _explain_outcome(self, quote, details, version):
        """Lines of what the client gets: nothing, a refund, a credit (and
        the refund it may ask instead), or a manager's decision (§10)."""
        env, currency = self.env, self.currency_id
        outcome = details["outcome"]
        if outcome == "none":
            if quote["extra_invoice_amount"]:
                return []
            return [_("Nothing is refundable.")]
        if outcome == "refund":
            return [
                _(
                    "%(amount)s will be refunded to you.",
                    amount=format_money(env, quote["refund_amount"], currency),
                )
            ]
        if outcome == "credit":
            return [
                _(
                    "The unused balance, %(amount)s, becomes a credit in your "
                    "favour for another service, valid until %(expiry)s "
                    "(%(months)s months from the request; policy §10).",
                    amount=format_money(env, quote["credit_amount"], currency),
                    expiry=format_day(env, quote["credit_expiry_date"]),
                    months=version.credit_validity_months,
                ),
                _(
                    "You may ask for a refund of %(amount)s instead, the work "
                    "done already deducted; %(approval)s",
                    amount=format_money(env, quote["refundable_amount"], currency),
                    approval=(
                        _("a manager reviews the request.")
                        if version.refund_needs_approval
                        else _("it is granted on request.")
                    ),
                ),
            ]
        return [
            _(
                "%(amount)s is refundable: a manager decides between a "
                "refund and a credit in your favour valid until "
                "%(expiry)s.",
                amount=format_money(env, quote["refundable_amount"], currency),
                expiry=format_day(env, quote["credit_expiry_date"]),
            )
        ]
