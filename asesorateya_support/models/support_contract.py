# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import float_compare

from ..const import (
    CANCELLABLE_STATES,
    CANCELLATION_REQUEST_MAIL_TEMPLATE,
    GROUP_MANAGER,
    HOLD_MAIL_TEMPLATE,
    PURCHASE_MAIL_TEMPLATES,
    RESUME_MAIL_TEMPLATE,
    SINGLE_SESSION_KINDS,
)
from ..formatting import format_day, format_hours, format_money, format_percent
from ..policy import QUOTE_KEYS, compute_quote, weighted_progress
from ..utils import check_number_values, check_text, check_text_values, to_date


class SupportContract(models.Model):
    """One purchased support service and the hours it gives the client."""

    _name = "support.contract"
    _description = "Support Contract"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "support.client.mail.mixin",
    ]
    _order = "date_purchase desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The client's commercial entity: everybody in that company sees "
        "the contract in the portal.",
    )
    plan_id = fields.Many2one(
        "support.plan", required=True, tracking=True, check_company=True
    )
    kind = fields.Selection(related="plan_id.kind", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale order line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    sale_line_unit = fields.Integer(
        default=1,
        readonly=True,
        copy=False,
        help="Which unit of the sale order line this contract is (one contract "
        "per unit bought).",
    )
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id", store=True, string="Sale order"
    )
    amount_paid = fields.Monetary(
        tracking=True, help="What the client paid, IVA included."
    )
    hours_included = fields.Float(
        tracking=True,
        help="Hours of the service; for a monthly retainer, hours of each cycle.",
    )
    scope = fields.Text(
        string="Validated scope",
        tracking=True,
        help="The scope the consultancy validated before the sale. An hour bag "
        "cannot exist without it (policy §2, §9).",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("waiting", "Waiting for client information"),
            ("active", "Active"),
            ("paused", "Paused"),
            ("exhausted", "Exhausted"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand="_group_expand_states",
    )
    state_before_hold = fields.Char(readonly=True, copy=False)
    payment_hold = fields.Boolean(
        string="Paused for non-payment",
        readonly=True,
        copy=False,
        tracking=True,
        help="A monthly retainer paused because a cycle's invoice is unpaid "
        "after the grace (policy §8); paying it resumes the service.",
    )
    hold_reason = fields.Text(
        readonly=True,
        copy=False,
        tracking=True,
        help="What the client owes while the service waits or is paused.",
    )
    date_purchase = fields.Date(
        default=fields.Date.context_today, required=True, tracking=True
    )
    date_start = fields.Date(
        string="Effective start",
        readonly=True,
        copy=False,
        tracking=True,
        help="The day the service effectively started: first session held, "
        "first hours used or first monthly cycle begun (policy §10).",
    )
    date_expiry = fields.Date(
        string="Valid until",
        tracking=True,
        help="Hour bags with a validity: last day the hours can be used.",
    )
    date_end = fields.Date(string="Closed on", readonly=True, copy=False)
    access_mode = fields.Selection(
        [
            ("work_user", "Dedicated work user"),
            ("supervised_remote", "Supervised remote access"),
            ("temporary", "Temporary access"),
        ],
        string="Access to the client's Odoo",
        tracking=True,
        help="Never the client's own credentials (policy §3).",
    )
    access_login = fields.Char(
        string="Work user login",
        tracking=True,
        help="Login of the user created for the consultancy. No password is "
        "ever stored here.",
    )
    access_date_from = fields.Date(string="Access from", tracking=True)
    access_date_to = fields.Date(string="Access until", tracking=True)
    session_ids = fields.One2many("support.session", "contract_id", string="Sessions")
    session_count = fields.Integer(compute="_compute_session_count")
    period_ids = fields.One2many(
        "support.contract.period", "contract_id", string="Monthly cycles"
    )
    policy_version_id = fields.Many2one(
        "support.policy.version",
        string="Policy version",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The cancellation and refund policy in force when the client "
        "bought or accepted: it governs this contract even if the policy "
        "changes later (agency policy §8.1).",
    )
    policy_id = fields.Many2one(related="policy_version_id.policy_id", string="Policy")
    cancellation_ids = fields.One2many(
        "support.cancellation", "contract_id", string="Cancellations"
    )
    credit_ids = fields.One2many(
        "support.credit", "contract_id", string="Credits issued"
    )
    claim_ids = fields.One2many("support.claim", "contract_id", string="Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")
    needs_attention = fields.Boolean(
        compute="_compute_needs_attention",
        search="_search_needs_attention",
        help="Low on hours, waiting for the client or paused, or with a claim "
        "whose answer is overdue.",
    )
    date_purchase_mail = fields.Datetime(
        string="Purchase email sent on",
        readonly=True,
        copy=False,
        help="When the client was sent the confirmation or welcome email of "
        "the purchase (policy §2): it is sent once.",
    )
    _sql_constraints = [
        (
            "sale_line_unit_uniq",
            "unique(sale_line_id, sale_line_unit)",
            "A unit of a sale order line gives exactly one contract.",
        ),
        (
            "amount_paid_positive",
            "CHECK(amount_paid >= 0)",
            "The amount paid cannot be negative.",
        ),
        (
            "hours_included_positive",
            "CHECK(hours_included > 0)",
            "A contract must include some hours.",
        ),
    ]

    def _compute_session_count(self):
        data = self.env["support.session"]._read_group(
            [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
        )
        counts = {contract.id: count for contract, count in data}
        for contract in self:
            contract.session_count = counts.get(contract.id, 0)

    @api.depends("claim_ids")
    def _compute_claim_count(self):
        for contract in self:
            contract.claim_count = len(contract.claim_ids)

    @api.depends_context("tz")
    def _compute_needs_attention(self):
        # One query whatever the number of contracts (kanban, list).
        records = self.filtered("id")
        attention = self.browse()
        if records:
            attention = self.search(
                expression.AND(
                    [[("id", "in", records.ids)], self._get_needs_attention_domain()]
                )
            )
        for contract in self:
            contract.needs_attention = contract in attention

    def _search_needs_attention(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                _("Search contracts needing attention with = True or = False.")
            )
        domain = self._get_needs_attention_domain()
        if (operator == "=") == value:
            return domain
        return ["!"] + expression.normalize_domain(domain)

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for contract in self:
            contract.access_url = f"/my/support/{contract.id}"

    @api.model
    def _group_expand_states(self, states, domain, order):
        return [key for key, _label in self._fields["state"].selection]

    @api.constrains("kind", "scope")
    def _check_scope(self):
        for contract in self:
            if contract.kind == "hour_bag" and not (contract.scope or "").strip():
                raise ValidationError(
                    _(
                        "An hour bag is only sold with a validated scope "
                        "(policy §2): write the scope agreed with the client "
                        "before confirming it."
                    )
                )

    @api.constrains("partner_id")
    def _check_partner_commercial(self):
        for contract in self:
            if contract.partner_id != contract.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "A contract belongs to the client's company "
                        "(%(company)s), not to one of its contacts.",
                        company=contract.partner_id.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("access_mode", "access_date_from", "access_date_to")
    def _check_access(self):
        for contract in self:
            if contract.access_mode == "temporary" and not (
                contract.access_date_from and contract.access_date_to
            ):
                raise ValidationError(
                    _("Temporary access needs the dates it is granted for.")
                )
            if (
                contract.access_date_from
                and contract.access_date_to
                and contract.access_date_from > contract.access_date_to
            ):
                raise ValidationError(_("The access cannot end before it begins."))

    @api.model
    def _check_amount_values(self, vals):
        """Refuse amounts and hours no contract can have, with the rule's words.

        Runs before the insert or update: the database constraints would
        refuse a negative amount or no hours first, with a database error, and
        let NaN through.

        :param dict vals: values of a ``create`` or ``write``; numbers given as
            text are stored as numbers
        :raise ValidationError: naming the rule
        """
        check_number_values(
            self, vals, ("amount_paid", "amount_total", "hours_included")
        )
        check_text_values(self, vals, ("scope",))
        for fname in ("amount_paid", "amount_total"):
            if fname in vals and float_compare(vals[fname] or 0.0, 0.0, 2) < 0:
                raise ValidationError(
                    _(
                        "%(field)s cannot be negative.",
                        field=self._fields[fname]._description_string(self.env),
                    )
                )
        if "hours_included" in vals and (
            float_compare(vals["hours_included"] or 0.0, 0.0, 4) <= 0
        ):
            raise ValidationError(_("A contract must include some hours."))

    @api.model_create_multi
    def create(self, vals_list):
        # Who may not create contracts is told so, whatever the values.
        self.check_access_rights("create")
        partners = self.env["res.partner"]
        for vals in vals_list:
            if vals.get("partner_id"):
                # The contract is the client company's, whoever bought it.
                partner = partners.browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
            plan = self.env["support.plan"].browse(vals.get("plan_id"))
            if plan and not vals.get("hours_included"):
                vals["hours_included"] = plan.hours_included
            if plan.validity_months and not vals.get("date_expiry"):
                purchase = fields.Date.to_date(
                    vals.get("date_purchase") or fields.Date.context_today(self)
                )
                vals["date_expiry"] = purchase + relativedelta(
                    months=plan.validity_months
                )
            self._check_amount_values(vals)
            if not vals.get("policy_version_id"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                policy = plan.policy_id or company._get_support_policy()
                purchase = fields.Date.to_date(
                    vals.get("date_purchase") or fields.Date.context_today(self)
                )
                vals["policy_version_id"] = policy._version_at(purchase).id
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "support.contract"
                ) or _("New")
        contracts = super().create(vals_list)
        # Bought, typically by confirming a sale order: the client is told
        # how the service starts (policy §2).
        contracts.filtered(lambda c: c.state == "confirmed")._send_purchase_mail()
        return contracts

    def write(self, vals):
        self.check_access_rights("write")
        self._check_amount_values(vals)
        locked = {
            "hours_included",
            "plan_id",
            "partner_id",
            "amount_paid",
            "amount_total",
            "policy_version_id",
        } & set(vals)
        if locked and any(c.state not in ("draft", "confirmed") for c in self):
            # Once hours are consumed, changing what was bought would silently
            # rewrite the client's balance: corrections go through new records.
            raise UserError(
                _(
                    "The client, plan, hours and amount of a contract cannot "
                    "change once the service has started."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(
                _(
                    "Only draft contracts can be deleted; cancel the others "
                    "so that their history is kept."
                )
            )

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------
    def _check_state(self, allowed, action):
        for contract in self:
            if contract.state not in allowed:
                state_label = dict(self._fields["state"].selection)[contract.state]
                raise UserError(
                    _(
                        "%(action)s is not possible on %(contract)s while it "
                        "is %(state)s.",
                        action=action,
                        contract=contract.name,
                        state=state_label,
                    )
                )

    def action_confirm(self):
        """Confirm a draft contract: the service is bought and can begin."""
        self._check_state(("draft",), _("Confirming"))
        self.write({"state": "confirmed"})
        self._send_purchase_mail()

    def action_start(self, date=None):
        """Start the service: the contract takes logs from now on.

        For a monthly retainer this begins the first monthly cycle, which is
        the effective start of the service (policy §10).

        :param date: the first day of service (default: today)
        """
        self._check_state(("confirmed",), _("Starting"))
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        for contract in self:
            contract.state = "active"
            if contract.kind == "project":
                contract._check_project_items()
                contract.date_start = date
            if contract.kind == "monthly":
                contract.date_start = date
                contract.env["support.contract.period"]._open_for_contract(
                    contract, date
                )
        return True

    def action_request_information(self, reason):
        """Hold a service that has not started until the client sends what it owes."""
        self._hold(("confirmed",), "waiting", reason)

    def action_pause(self, reason):
        """Pause a running service while the client owes information (§9).

        A paused contract takes no logs and costs nothing: no hour is consumed
        and, for a monthly retainer, no new cycle begins while it is paused.
        """
        self._hold(("active",), "paused", reason)

    def _hold(self, allowed, state, reason):
        if not (reason or "").strip():
            raise UserError(_("Say what the client owes: a reason is required."))
        self._check_state(allowed, _("Holding the service"))
        for contract in self:
            contract.write(
                {
                    "state_before_hold": contract.state,
                    "state": state,
                    "hold_reason": reason,
                }
            )
            # The email says what is pending; it is the trace in the chatter.
            contract._send_client_mail(HOLD_MAIL_TEMPLATE)

    def action_resume(self):
        """Resume a waiting or paused service where it was."""
        self._check_state(("waiting", "paused"), _("Resuming"))
        today = fields.Date.context_today(self)
        for contract in self:
            contract.write(
                {
                    "state": contract.state_before_hold
                    or ("active" if contract.state == "paused" else "confirmed"),
                    "state_before_hold": False,
                    "hold_reason": False,
                    "payment_hold": False,
                }
            )
            if contract.kind == "monthly" and contract.state == "active":
                contract.env["support.contract.period"]._open_for_contract(
                    contract, today
                )
            contract._send_client_mail(RESUME_MAIL_TEMPLATE)
        return True

    def action_done(self):
        """Close a service whose work is finished."""
        self._check_state(
            ("confirmed", "active", "paused", "exhausted", "waiting"), _("Closing")
        )
        today = fields.Date.context_today(self)
        # The service ends: no cycle-close email asking for next priorities.
        self.period_ids.filtered(lambda p: p.state == "open").with_context(
            support_final_close=True
        )._close()
        self.write({"state": "done", "date_end": today})

    def action_cancel(self):
        """Cancel a contract that leaves nothing to settle.

        Only a draft, or a contract nobody paid for and nothing was done on,
        is cancelled plainly. Any other goes through the cancellation policy
        (``action_open_cancellation``), which settles what was paid.
        """
        for contract in self:
            if contract.session_ids:
                raise UserError(
                    _(
                        "%(contract)s has logged sessions: it is cancelled "
                        "through the cancellation policy, which settles the "
                        "work done.",
                        contract=contract.name,
                    )
                )
            if contract.state != "draft" and not contract.currency_id.is_zero(
                contract.amount_paid
            ):
                raise UserError(
                    _(
                        "%(contract)s was paid: it is cancelled through the "
                        "cancellation policy, which settles the refund or "
                        "credit.",
                        contract=contract.name,
                    )
                )
        self._check_state(CANCELLABLE_STATES, _("Cancelling"))
        self._set_cancelled(fields.Date.context_today(self))

    def _set_cancelled(self, date):
        # The cancellation's own email tells the client what the cycle gives.
        self.period_ids.filtered(lambda p: p.state == "open").with_context(
            support_final_close=True
        )._close()
        self.write({"state": "cancelled", "date_end": date})

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

    def action_log_session(self):
        """Open a session log form prefilled for this contract."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Log session"),
            "res_model": "support.session",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_contract_id": self.id,
                "default_user_id": self.env.user.id,
                "default_date": fields.Date.to_string(fields.Date.context_today(self)),
                "default_duration": self.plan_id.session_length,
            },
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

    def action_view_claims(self):
        """List the claims about this contract."""
        return self._action_view_related("asesorateya_support.support_claim_action")

    def action_new_claim(self):
        """Open the form of a new claim about this contract."""
        return self._action_new_related("support.claim", _("Claim"))

    def _action_new_related(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def _action_view_related(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

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
        # Serialise two conversions of the same contract: the second waits,
        # then sees the credit (a unique index guards it too).
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
        today = fields.Date.context_today(self)
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
        self.message_post(
            body=_(
                "The case exceeds the scope of %(contract)s: %(reason)s. "
                "As the policy provides (§5), the amount paid, %(amount)s, "
                "becomes a credit in your favour (%(credit)s) for an hour bag, "
                "a diagnosis or a larger AsesórateYa service, valid until "
                "%(date)s.",
                contract=self.name,
                reason=reason.strip().rstrip("."),
                amount=format_money(self.env, credit.amount, self.currency_id),
                credit=credit.name,
                date=format_day(self.env, credit.date_expiry),
            ),
            partner_ids=self.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        return credit

    def action_view_sessions(self):
        """List the session logs of this contract."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "asesorateya_support.support_session_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _lock_for_consumption(self):
        """Lock the contract rows so that concurrent logs are serialised.

        Two logs drawing on one bag at the same time would otherwise both see
        the same balance; with the row lock the second waits, then fails with
        a serialization error that Odoo retries against the new balance.
        """
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM support_contract WHERE id IN %s FOR NO KEY UPDATE",
                [tuple(self.ids)],
            )

    @api.model
    def _get_needs_attention_domain(self):
        """Contracts a consultant should look at today (the desk's filter).

        Low on hours; waiting for the client's information or paused (§9);
        a written claim not answered by its due date (agency policy §7.2).
        Modules extend the list: e.g. monthly billing adds the cycles whose
        invoice is unpaid, with ``expression.OR([super()..., [...]])``.
        """
        today = fields.Date.context_today(self)
        # As the superuser: a salesman reads contracts but not claims; only
        # contract ids come out, and the contract rules still apply.
        overdue_claims = (
            self.env["support.claim"]
            .sudo()
            .search(
                [
                    ("state", "=", "received"),
                    ("date_due", "<", today),
                    ("contract_id", "!=", False),
                ]
            )
        )
        return expression.OR(
            [
                [("is_low_balance", "=", True)],
                [("state", "in", ("waiting", "paused"))],
                [("id", "in", overdue_claims.contract_id.ids)],
                # Hook: an unpaid monthly cycle belongs here once cycles are
                # invoiced; there is no period invoice field yet.
            ]
        )

    # ------------------------------------------------------------------
    # Billing of monthly retainers (policy §8)
    # ------------------------------------------------------------------
    # ------------------------------------------------------------------
    # Client emails (policy §2, §3, §4, §9, §11)
    # ------------------------------------------------------------------
    def _get_client_contact(self):
        """The person the client's emails are addressed to: the contact who
        bought (the sale order's customer), else the client company.

        :return: a ``res.partner``
        """
        self.ensure_one()
        return self.sudo().sale_order_id.partner_id or super()._get_client_contact()

    def _get_support_email(self):
        """The formal channel (policy §3): the plan's email, else the company's."""
        self.ensure_one()
        return self.plan_id.contact_email or super()._get_support_email()

    def _get_support_whatsapp(self):
        """The complementary WhatsApp channel: the plan's, else the company's."""
        self.ensure_one()
        return self.plan_id.whatsapp_number or super()._get_support_whatsapp()

    def _get_booking_url(self):
        """Where the client books sessions: the plan's page, else the company's."""
        self.ensure_one()
        return self.plan_id.booking_url or super()._get_booking_url()

    def _get_support_responsible(self, active_only=False):
        """Who follows up what the client must be told or asks: the
        consultant, else a support manager of the company.

        :param bool active_only: pass over a consultant whose user is archived
            (the client's requests from the portal)
        :return: a ``res.users``, possibly empty
        """
        self.ensure_one()
        user = self.user_id
        if user and (user.active or not active_only) and not user.share:
            return user
        return super()._get_support_responsible(active_only)

    def _send_purchase_mail(self):
        """Send the confirmation (diagnosis, incident, hour bag) or welcome
        (monthly retainer) email of each contract, once (policy §2)."""
        for contract in self:
            template = PURCHASE_MAIL_TEMPLATES.get(contract.kind)
            if not template or contract.date_purchase_mail:
                continue
            contract._send_client_mail(template)
            contract.sudo().date_purchase_mail = fields.Datetime.now()

    # ------------------------------------------------------------------
    # Projects (agency policy §4.3)
    # ------------------------------------------------------------------
    # ------------------------------------------------------------------
    # Revision rounds (agency policy §5.3)
    # ------------------------------------------------------------------
    # ------------------------------------------------------------------
    # Cancellation policy (support policy §10, agency policy §3, §4)
    # ------------------------------------------------------------------
    def _get_policy_version(self):
        self.ensure_one()
        if not self.policy_version_id:
            raise UserError(
                _(
                    "No cancellation policy governs %(contract)s: set a default "
                    "policy in Settings > Odoo Support.",
                    contract=self.name,
                )
            )
        return self.policy_version_id

    def cancellation_quote(self, request_date=None):
        """What cancelling this contract on ``request_date`` gives the client.

        The single source of truth of every cancellation: the wizard, the
        portal and the reports show it, and a confirmed cancellation stores
        it. It never writes. The maths live in
        :func:`odoo.addons.asesorateya_support.policy.compute_quote`; this
        method gathers the facts (the policy version that governs the
        contract, the hours used, the current cycle, the project's progress)
        with a constant number of queries, whatever the number of logs.

        :param request_date: the day the client asked (default: today)
        :return: a dict with exactly the keys ``phase``, ``legal_basis``,
            ``amount_paid``, ``work_done_amount``, ``refundable_amount``,
            ``refund_amount``, ``credit_amount``, ``extra_invoice_amount``,
            ``credit_expiry_date`` and ``explanation``: amounts in the
            contract currency, IVA included, never negative; the explanation
            in Spanish, citing the policy clause
        :raise UserError: on a request dated before the purchase or in the
            future, a project whose items do not weigh 100%, or no policy
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
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
        version = self._get_policy_version()
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
        if self.kind == "hour_bag":
            facts.update(hours_included=self.hours_included, hours_used=self.hours_used)
        elif self.kind == "monthly":
            period = self._period_for(request_date)
            facts.update(
                has_period=bool(period),
                period_fee=period.fee_amount,
                period_hours=period.hours_base,
                period_hours_used=period.hours_used,
                period_hours_carried_in=period.hours_carried_in,
            )
        elif self.kind == "project":
            if self.date_start:
                self._check_project_items()
            facts.update(
                project_total=self.amount_total,
                deposit_amount=self.amount_deposit,
                project_progress=weighted_progress(
                    [(i.weight, i.progress) for i in self.project_item_ids]
                    or [(100, 0)],
                    version.progress_step_percent,
                ),
            )
        quote, details = compute_quote(**facts)
        for key in QUOTE_KEYS[2:8]:
            quote[key] = float(quote[key])
        quote["explanation"] = self._cancellation_explanation(
            quote, details, version, request_date, period
        )
        return quote

    def action_cancel_by_policy(
        self, request_date=None, preference="policy", reason=None, channel="backend"
    ):
        """Cancel the contract as its policy says, and settle what was paid.

        The quote of ``request_date`` is stored in a ``support.cancellation``
        with the decision. A refund the policy does not grant by itself (the
        client prefers a refund to the credit, or the policy asks for a
        review) waits for a manager, unless a manager records it; everything
        else is settled at once. Work done beyond what was paid (projects) is
        invoiced. The contract is cancelled on the request date and takes no
        more logs.

        :param str preference: what the client asked for: ``policy`` (the
            policy's outcome), ``credit`` or ``refund``
        :param str channel: ``backend`` or ``portal``
        :return: the ``support.cancellation``
        """
        self.ensure_one()
        if preference not in ("policy", "credit", "refund"):
            raise UserError(_("Choose a credit, a refund or what the policy says."))
        check_text(reason, _("The reason of the cancellation"))
        # Serialise two confirmations of the same cancellation: the second
        # waits, then sees the contract cancelled.
        self._lock_for_consumption()
        self.invalidate_recordset(["state"])
        if self.state == "cancelled" or self.cancellation_ids:
            raise UserError(_("%(contract)s is already cancelled.", contract=self.name))
        self._check_state(CANCELLABLE_STATES, _("Cancelling"))
        quote = self.cancellation_quote(request_date)
        request_date = fields.Date.to_date(request_date) or fields.Date.context_today(
            self
        )
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
        version = self.policy_version_id
        if not quote["refundable_amount"]:
            decision, pending = "none", False
        elif preference == "credit":
            decision, pending = "credit", False
        elif quote["refund_amount"]:
            decision, pending = "refund", False
        elif quote["credit_amount"] and preference == "policy":
            decision, pending = "credit", False
        else:
            # A refund instead of the credit, or a policy that asks for review.
            decision = "refund" if preference == "refund" else False
            is_manager = self.env.user.has_group(GROUP_MANAGER)
            needs_manager = not quote["credit_amount"] or version.refund_needs_approval
            pending = needs_manager and not (is_manager and decision)
        cancellation = (
            self.env["support.cancellation"]
            .sudo()
            .create(
                {
                    "contract_id": self.id,
                    "policy_version_id": version.id,
                    "request_date": request_date,
                    "requested_by_id": self.env.user.id,
                    "channel": channel,
                    "reason": reason,
                    "client_preference": preference,
                    "phase": quote["phase"],
                    "legal_basis": quote["legal_basis"],
                    "amount_paid": quote["amount_paid"],
                    "work_done_amount": quote["work_done_amount"],
                    "refundable_amount": quote["refundable_amount"],
                    "quote_refund_amount": quote["refund_amount"],
                    "quote_credit_amount": quote["credit_amount"],
                    "extra_invoice_amount": quote["extra_invoice_amount"],
                    "credit_expiry_date": quote["credit_expiry_date"],
                    "explanation": quote["explanation"],
                    "state": "to_approve" if pending else "done",
                }
            )
        )
        self._set_cancelled(request_date)
        # A note for the team: the client is emailed the request (when it
        # waits for a manager) and the settlement, each with the quote.
        self.message_post(
            body=_(
                "Cancellation requested on %(date)s (%(name)s).\n%(explanation)s",
                date=format_day(self.env, request_date),
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
        if pending:
            cancellation._schedule_approval()
            self._send_client_mail(CANCELLATION_REQUEST_MAIL_TEMPLATE, cancellation)
        else:
            cancellation._settle(decision, user=self.env.user)
        return cancellation.sudo(self.env.su)

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
        """The quote told to the client, citing the policy clause."""
        # ``_()`` reads the language from ``self``: rebinding it is the point.
        self = self.with_context(lang=self._get_explanation_lang())  # pylint: disable=self-cls-assignment
        env = self.env
        currency = self.currency_id

        is_agency = self.kind == "project"
        lines = [
            _(
                "Governed by %(policy)s (version %(number)s, in force since "
                "%(date)s), accepted on %(purchase)s.",
                policy=version.policy_id.name,
                number=version.number,
                date=format_day(env, version.date_from),
                purchase=format_day(env, self.date_purchase),
            )
        ]
        basis = quote["legal_basis"]
        if basis == "withdrawal":
            lines.append(
                _(
                    "Your request of %(date)s is within the statutory "
                    "withdrawal period of %(days)s days from the purchase and "
                    "the service has not started (SERNAC; policy §10): the "
                    "whole amount paid, %(amount)s, is refunded.",
                    date=format_day(env, request_date),
                    days=version.withdrawal_days,
                    amount=format_money(env, quote["amount_paid"], currency),
                )
            )
        elif basis == "before_start":
            lines.append(
                _(
                    "The service has not started yet (no session held, no "
                    "hours used, no cycle begun; policy §10): nothing is "
                    "charged for work.",
                )
            )
            if is_agency and details["deposit"]:
                lines.append(
                    _(
                        "The deposit of %(deposit)s is not refundable (agency "
                        "policy §3.3).",
                        deposit=format_money(env, details["deposit"], currency),
                    )
                )
        elif self.kind == "hour_bag":
            lines.append(
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
            )
        elif self.kind in SINGLE_SESSION_KINDS:
            lines.append(
                _(
                    "The session of this service was held on %(start)s: it is "
                    "the whole service (policy §4), so the amount paid, "
                    "%(work)s, covers work done and nothing is left to give "
                    "back (policy §10).",
                    start=format_day(env, self.date_start),
                    work=format_money(env, quote["work_done_amount"], currency),
                )
            )
        elif self.kind == "monthly":
            if period:
                lines.append(
                    _(
                        "Monthly plan: only the unused hours of the current "
                        "cycle (%(start)s to %(end)s) count; earlier cycles "
                        "were delivered and are not refundable (policy §10). "
                        "This cycle's fee is %(fee)s for %(hours)s h; "
                        "%(unused)s h are unused, at %(rate)s per hour.",
                        start=format_day(env, period.date_start),
                        end=format_day(env, period.date_end),
                        fee=format_money(env, quote["amount_paid"], currency),
                        hours=format_hours(period.hours_base),
                        unused=format_hours(float(details["hours_unused"])),
                        rate=format_money(env, details["rate"], currency),
                    )
                )
            else:
                lines.append(
                    _(
                        "Monthly plan: no cycle is running on %(date)s, and "
                        "earlier cycles are not refundable (policy §10).",
                        date=format_day(env, request_date),
                    )
                )
        elif is_agency:
            lines.append(
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
            )
        if quote["extra_invoice_amount"]:
            lines.append(
                _(
                    "The work done exceeds what was paid: %(amount)s will be "
                    "invoiced (agency policy §4.2).",
                    amount=format_money(env, quote["extra_invoice_amount"], currency),
                )
            )
        outcome = details["outcome"]
        if outcome == "none":
            if not quote["extra_invoice_amount"]:
                lines.append(_("Nothing is refundable."))
        elif outcome == "refund":
            lines.append(
                _(
                    "%(amount)s will be refunded to you.",
                    amount=format_money(env, quote["refund_amount"], currency),
                )
            )
        elif outcome == "credit":
            lines.append(
                _(
                    "The unused balance, %(amount)s, becomes a credit in your "
                    "favour for another service, valid until %(expiry)s "
                    "(%(months)s months from the request; policy §10).",
                    amount=format_money(env, quote["credit_amount"], currency),
                    expiry=format_day(env, quote["credit_expiry_date"]),
                    months=version.credit_validity_months,
                )
            )
            lines.append(
                _(
                    "You may ask for a refund of %(amount)s instead, the work "
                    "done already deducted; %(approval)s",
                    amount=format_money(env, quote["refundable_amount"], currency),
                    approval=(
                        _("a manager reviews the request.")
                        if version.refund_needs_approval
                        else _("it is granted on request.")
                    ),
                )
            )
        else:
            lines.append(
                _(
                    "%(amount)s is refundable: a manager decides between a "
                    "refund and a credit in your favour valid until "
                    "%(expiry)s.",
                    amount=format_money(env, quote["refundable_amount"], currency),
                    expiry=format_day(env, quote["credit_expiry_date"]),
                )
            )
        return "\n".join(lines)
