# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero

from .support_plan import SINGLE_SESSION_KINDS

#: States in which a contract can take session logs.
LOGGABLE_STATES = ("confirmed", "active")
#: States in which a contract is over.
CLOSED_STATES = ("exhausted", "done", "cancelled")


class SupportContract(models.Model):
    """One purchased support service and the hours it gives the client."""

    _name = "support.contract"
    _description = "Support Contract"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
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
    current_period_id = fields.Many2one(
        "support.contract.period",
        compute="_compute_current_period_id",
        string="Current cycle",
    )
    meetings_per_month = fields.Integer(related="plan_id.meetings_per_month")

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
                used = totals.get(contract.id, 0.0)
                if contract.kind in SINGLE_SESSION_KINDS and used > 0:
                    # The single session is consumed whole once it is held.
                    used = max(used, included)
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
            company = contract.company_id
            contract.is_low_balance = bool(
                contract.state in ("confirmed", "active")
                and contract.kind in ("hour_bag", "monthly")
                and contract.hours_included
                and (
                    contract.hours_remaining <= company.support_low_balance_hours
                    or 100.0 * contract.hours_remaining / contract.hours_included
                    <= company.support_low_balance_percent
                )
            )

    def _compute_session_count(self):
        data = self.env["support.session"]._read_group(
            [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
        )
        counts = {contract.id: count for contract, count in data}
        for contract in self:
            contract.session_count = counts.get(contract.id, 0)

    @api.depends("period_ids.state")
    def _compute_current_period_id(self):
        for contract in self:
            contract.current_period_id = contract.period_ids.filtered(
                lambda p: p.state == "open"
            )[:1]

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

    @api.model_create_multi
    def create(self, vals_list):
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
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "support.contract"
                ) or _("New")
        return super().create(vals_list)

    def write(self, vals):
        self.check_access_rights("write")
        locked = {"hours_included", "plan_id", "partner_id", "amount_paid"} & set(vals)
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
            contract.message_post(
                body=_("Service on hold: %(reason)s", reason=reason),
                partner_ids=contract.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

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
                }
            )
            if contract.kind == "monthly" and contract.state == "active":
                contract.env["support.contract.period"]._open_for_contract(
                    contract, today
                )
            contract.message_post(
                body=_("Service resumed."),
                partner_ids=contract.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_done(self):
        """Close a service whose work is finished."""
        self._check_state(
            ("confirmed", "active", "paused", "exhausted", "waiting"), _("Closing")
        )
        today = fields.Date.context_today(self)
        self.period_ids.filtered(lambda p: p.state == "open")._close()
        self.write({"state": "done", "date_end": today})

    def action_cancel(self):
        """Cancel a contract that has consumed nothing.

        A contract with consumed hours is cancelled through the cancellation
        policy, which settles what was paid; this plain cancel refuses it.
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
        self._check_state(
            ("draft", "confirmed", "waiting", "active", "paused"), _("Cancelling")
        )
        self.period_ids.filtered(lambda p: p.state == "open")._close()
        self.write({"state": "cancelled", "date_end": fields.Date.context_today(self)})

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
                "default_duration": self.plan_id.session_length,
            },
        }

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
                            "date_end": fields.Date.context_today(self),
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

    @api.model
    def _cron_expire_bags(self):
        """Close hour bags whose validity is over; their unused hours expire."""
        today = fields.Date.context_today(self)
        bags = self.search(
            [
                ("kind", "=", "hour_bag"),
                ("state", "in", ("confirmed", "active", "waiting", "paused")),
                ("date_expiry", "<", today),
            ]
        )
        for bag in bags:
            bag.message_post(
                body=_(
                    "The bag's validity ended on %(date)s; %(hours)s unused "
                    "hours expired.",
                    date=bag.date_expiry,
                    hours=bag.hours_remaining,
                )
            )
        bags.write({"state": "done", "date_end": today})
        return bags
