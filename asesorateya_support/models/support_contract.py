# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_compare

from ..const import (
    CANCELLABLE_STATES,
    HOLD_MAIL_TEMPLATE,
    PURCHASE_MAIL_TEMPLATES,
    RESUME_MAIL_TEMPLATE,
)
from ..utils import check_number_values, check_text_values


class SupportContract(models.Model):
    """One purchased support service and the hours it gives the client.

    This file holds what every contract has: the fields shared by all kinds,
    their checks, create and write, the state machine, the policy version
    that governs it, and to whom and through which channel the client is
    written. Each concern has its own file extending this model:

    - ``support_contract_hours.py``: hours used and left, the bag a log
      draws on, bag validity, balance warnings (support policy §4, §6, §7);
    - ``support_contract_billing.py``: cycle invoices, pause for non-payment,
      prices IVA included (support policy §8);
    - ``support_contract_project.py``: deposit, deliverable items, revision
      rounds, breaches (agency policy §3, §4.3, §5.3, §6);
    - ``support_contract_cancellation.py``: the quote, cancelling by policy,
      converting into a credit (support policy §5, §10; agency §3, §4);
    - ``support_contract_portal.py``: what the client sees and asks in the
      portal (support policy §9, §10, §11);
    - ``support_client_mail_mixin.py``: how an email reaches the client.
    """

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
    _rec_names_search = ["name", "partner_id"]

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
        default=lambda self: self.env["res.company"]._support_default_today(),
        required=True,
        tracking=True,
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

    @api.depends("name", "partner_id")
    @api.depends_context("support_contract_show_partner")
    def _compute_display_name(self):
        # Where a consultant picks or reads contracts of many clients (the
        # quick log), a contract names its client first: a narrow column
        # still shows who it is for.
        result = super()._compute_display_name()
        if self.env.context.get("support_contract_show_partner"):
            for contract in self.filtered("partner_id"):
                contract.display_name = f"{contract.partner_id.name} · {contract.name}"
        return result

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

    def _creation_message(self):
        # mail's "<model> created" reads the model's name in the environment's
        # language but says "created" in the user's when the environment has
        # none (records made by data files, such as the demo's): one language.
        lang = self.env.lang or self.env.user.lang
        return super(SupportContract, self.with_context(lang=lang))._creation_message()

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
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            # The purchase is dated on the company's calendar, not on the
            # clicking user's (issue 13, item 1; agency policy §8.1).
            vals.setdefault("date_purchase", company._support_today())
            if plan and not vals.get("hours_included"):
                vals["hours_included"] = plan.hours_included
            if plan.validity_months and not vals.get("date_expiry"):
                purchase = fields.Date.to_date(
                    vals.get("date_purchase") or company._support_today()
                )
                vals["date_expiry"] = purchase + relativedelta(
                    months=plan.validity_months
                )
            self._check_amount_values(vals)
            if not vals.get("policy_version_id"):
                policy = plan.policy_id or company._get_support_policy()
                purchase = fields.Date.to_date(
                    vals.get("date_purchase") or company._support_today()
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
        for contract in self:
            date = fields.Date.to_date(date) or contract.company_id._support_today()
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
        for contract in self:
            today = contract.company_id._support_today()
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
        # The service ends: no cycle-close email asking for next priorities.
        self.period_ids.filtered(lambda p: p.state == "open").with_context(
            support_final_close=True
        )._close()
        for contract in self:
            contract.write(
                {"state": "done", "date_end": contract.company_id._support_today()}
            )

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
        for contract in self:
            contract._set_cancelled(contract.company_id._support_today())

    def _set_cancelled(self, date):
        # The cancellation's own email tells the client what the cycle gives.
        self.period_ids.filtered(lambda p: p.state == "open").with_context(
            support_final_close=True
        )._close()
        self.write({"state": "cancelled", "date_end": date})

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
                "default_date": fields.Date.to_string(self.company_id._support_today()),
                "default_duration": self.plan_id.session_length,
            },
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
    @api.model
    def _log_notes(self, notes):
        """Log notes on contracts' chatters, many at once: the cycles' closing
        notes and their invoices' (one ``message_post`` a contract was a
        tenth of a batch of 500, issue 17). ``_message_log_batch`` takes one
        body a record, so the notes go in rounds in which each contract
        appears once, in their order. A note notifies nobody.

        :param list notes: ``(contract id, body)`` pairs; a contract may come
            more than once (missed cycles)
        """
        while notes:
            batch, rest = {}, []
            for contract_id, body in notes:
                if contract_id in batch:
                    rest.append((contract_id, body))
                else:
                    batch[contract_id] = body
            self.browse(batch)._message_log_batch(
                bodies=batch, author_id=self.env.user.partner_id.id
            )
            notes = rest

    def _lock_for_consumption(self):
        """Lock the contract rows so that concurrent logs are serialised.

        Two logs drawing on one bag at the same time would otherwise both see
        the same balance; with the row lock the second waits, then fails with
        a serialization error that Odoo retries against the new balance. The
        cancellation, the conversion into a credit, the revision rounds and
        the cycle cron take the same lock.
        """
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM support_contract WHERE id IN %s FOR NO KEY UPDATE",
                [tuple(self.ids)],
            )

    def _lock_and_read_for_consumption(self):
        """``_lock_for_consumption`` and the read of the rows it locks, in one
        query (``SELECT ... FOR NO KEY UPDATE``): a log locks its contract,
        then reads it (state, kind, company, hours...); this is one query
        less on every log (issue 14).

        What it reads goes into the cache as the ORM's own read would: the
        fields a read of one of them prefetches, as the current user, under
        the contracts' record rules (a contract the user may not read is
        refused, as the read would). The values are those of the locked
        rows: the transaction's snapshot (REPEATABLE READ), which a row
        changed by a concurrent transaction since would not pass the lock
        (serialization error, retried), so the hours the balance is checked
        against are the latest.

        :raise AccessError: when the user may not read one of the contracts
        """
        if not self.ids:
            return
        # What a read of one of them fetches (``_fetch_field``).
        fnames = [
            name
            for name, field in self._fields.items()
            if field.prefetch is True
            and not (field.groups and not self.user_has_groups(field.groups))
        ]
        fields_to_read = [
            field
            for field in self._determine_fields_to_fetch(
                fnames, ignore_when_in_cache=True
            )
            if field.store
            and field.column_type
            and not field.translate
            and field.type != "binary"
        ]
        if not fields_to_read:
            # All in cache already: the lock alone.
            self._lock_for_consumption()
            return
        query = self._search([("id", "in", self.ids)])
        columns = [SQL.identifier(self._table, "id")] + [
            self._field_to_sql(self._table, field.name, query)
            for field in fields_to_read
        ]
        self.env.cr.execute(
            SQL(
                "%s FOR NO KEY UPDATE OF %s",
                query.select(*columns),
                SQL.identifier(self._table),
            )
        )
        rows = self.env.cr.fetchall()
        read = self.browse(row[0] for row in rows)
        forbidden = (self - read).exists()
        if forbidden:
            # Hidden by the record rules: refused, as a read is. (A contract
            # that does not exist is refused when it is read, as before.)
            raise self.env["ir.rule"]._make_access_error("read", forbidden)
        for index, field in enumerate(fields_to_read, start=1):
            self.env.cache.insert_missing(read, field, [row[index] for row in rows])

    def _get_policy_version(self):
        """The policy version that governs this contract: the one in force
        when the client bought or accepted (agency policy §8.1).

        :raise UserError: when none does (no default policy in Settings)
        """
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

    @api.model
    def _get_needs_attention_domain(self):
        """Contracts a consultant should look at today (the desk's filter).

        Low on hours; waiting for the client's information or paused (§9),
        which includes a retainer paused because a cycle invoice is unpaid
        after the grace (§8, ``support.contract.period._cron_pause_unpaid``);
        a written claim not answered by its due date (agency policy §7.2).
        Other modules extend the list with ``expression.OR([super()...,
        [...]])``.
        """
        # As the superuser: a salesman reads contracts but not claims; only
        # contract ids come out, and the contract rules still apply. Overdue
        # on the company's day (issue 13, item 1).
        overdue_claims = (
            self.env["support.claim"]
            .sudo()
            .search(
                expression.AND(
                    [
                        [("state", "=", "received"), ("contract_id", "!=", False)],
                        self.env["res.company"]._support_before_today_domain(
                            "date_due"
                        ),
                    ]
                )
            )
        )
        return expression.OR(
            [
                [("is_low_balance", "=", True)],
                [("state", "in", ("waiting", "paused"))],
                [("id", "in", overdue_claims.contract_id.ids)],
            ]
        )

    # ------------------------------------------------------------------
    # Client emails: to whom and through which channel (policy §2, §3);
    # the sending is support.client.mail.mixin's
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
