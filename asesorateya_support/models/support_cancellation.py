# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import (
    CANCELLATION_PREFERENCE_SELECTION,
    CANCELLATION_SETTLED_MAIL_TEMPLATE,
    GROUP_MANAGER,
)
from ..formatting import format_money

_logger = logging.getLogger(__name__)


class SupportCancellation(models.Model):
    """A confirmed cancellation: the quote, the decision, who took it and when.

    Made by ``support.contract.action_cancel_by_policy`` and never changed
    afterwards but by a manager's decision on a pending refund. It keeps the
    quote as it was given, and links the accounting documents it produced: a
    credit note for a refund, a ``support.credit`` for a credit, an invoice
    for work done beyond what was paid.
    """

    _name = "support.cancellation"
    _description = "Contract Cancellation"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "support.cancellation.quote.mixin",
    ]
    _order = "request_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    contract_id = fields.Many2one(
        "support.contract",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    policy_version_id = fields.Many2one(
        "support.policy.version", readonly=True, ondelete="restrict"
    )
    request_date = fields.Date(required=True, readonly=True)
    requested_by_id = fields.Many2one(
        "res.users", string="Recorded by", readonly=True, required=True
    )
    channel = fields.Selection(
        [("backend", "Backend"), ("portal", "Client portal")],
        required=True,
        readonly=True,
        default="backend",
    )
    reason = fields.Text(readonly=True)
    client_preference = fields.Selection(
        CANCELLATION_PREFERENCE_SELECTION,
        string="The client asked for",
        required=True,
        readonly=True,
        default="policy",
    )
    # The quote, as given on the request date (support.cancellation.quote.mixin).
    phase = fields.Selection(required=True)
    legal_basis = fields.Selection(required=True)
    # The decision.
    state = fields.Selection(
        [("to_approve", "Waiting for a manager"), ("done", "Settled")],
        required=True,
        readonly=True,
        default="done",
        tracking=True,
    )
    decision = fields.Selection(
        [
            ("refund", "Refund"),
            ("credit", "Credit"),
            ("none", "Nothing to give back"),
        ],
        readonly=True,
        tracking=True,
    )
    refund_amount = fields.Monetary(string="Refunded", readonly=True)
    credit_amount = fields.Monetary(string="Credited", readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    decision_note = fields.Text(readonly=True, tracking=True)
    refund_move_id = fields.Many2one(
        "account.move", string="Credit note", readonly=True, copy=False
    )
    extra_move_id = fields.Many2one(
        "account.move", string="Extra invoice", readonly=True, copy=False
    )
    reversal_move_id = fields.Many2one(
        "account.move",
        string="Credit note of the unpaid cycle",
        readonly=True,
        copy=False,
        help="Monthly plans: the credit note that cancels the part of the "
        "current cycle's unpaid invoice not covered by the work done (support "
        "policy §8).",
    )
    credit_id = fields.Many2one("support.credit", readonly=True, copy=False)

    _sql_constraints = [
        (
            "contract_uniq",
            "unique(contract_id)",
            "A contract is cancelled once.",
        ),
        (
            "amounts_positive",
            "CHECK(amount_paid >= 0 AND work_done_amount >= 0 "
            "AND refundable_amount >= 0 AND extra_invoice_amount >= 0 "
            "AND coalesce(refund_amount, 0) >= 0 "
            "AND coalesce(credit_amount, 0) >= 0 "
            "AND coalesce(refund_amount, 0) + coalesce(credit_amount, 0) "
            "<= refundable_amount)",
            "A cancellation gives back at most what is refundable.",
        ),
    ]

    def _creation_message(self):
        # mail's "<model> created" reads the model's name in the environment's
        # language but says "created" in the user's when the environment has
        # none (records made by data files, such as the demo's): one language.
        lang = self.env.lang or self.env.user.lang
        return super(
            SupportCancellation, self.with_context(lang=lang)
        )._creation_message()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "support.cancellation"
                ) or _("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A cancellation is part of the client's history."))

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Cancellation %(name)s", name=self.name)

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group(GROUP_MANAGER) and not self.env.su:
            raise AccessError(
                _(
                    "Only a support manager can decide a refund the policy "
                    "does not grant by itself."
                )
            )

    def action_approve_refund(self, note=None):
        """A manager grants the refund the client asked for (policy §10)."""
        self._check_manager()
        self._lock_for_decision()
        for cancellation in self:
            cancellation._check_pending()
            cancellation.sudo()._settle("refund", note, self.env.user)
        return True

    def action_grant_credit(self, note=None):
        """A manager settles a pending request with a credit instead."""
        self._check_manager()
        self._lock_for_decision()
        for cancellation in self:
            cancellation._check_pending()
            cancellation.sudo()._settle("credit", note, self.env.user)
        return True

    def _lock_for_decision(self):
        """Lock the requests, then read their state again.

        Of two managers deciding the same request at once, the second waits
        here, then fails with a serialization error that Odoo retries: the
        retry finds the request settled, before any document is made.
        """
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM support_cancellation WHERE id IN %s FOR NO KEY UPDATE",
                [tuple(self.ids)],
            )
            self.invalidate_recordset(["state"])

    def _check_pending(self):
        self.ensure_one()
        if self.state != "to_approve":
            raise UserError(_("%(name)s is already settled.", name=self.name))

    def _settle(self, decision, note=None, user=None):
        """Record the decision and create what it gives the client.

        :param str decision: ``refund``, ``credit`` or ``none``
        :param user: who decided (default: the current user)
        """
        self.ensure_one()
        refundable = self.refundable_amount
        if self.currency_id.is_zero(refundable):
            decision = "none"
        self.write(
            {
                "state": "done",
                "decision": decision,
                "refund_amount": refundable if decision == "refund" else 0.0,
                "credit_amount": refundable if decision == "credit" else 0.0,
                "decided_by_id": (user or self.env.user).id,
                "decided_on": fields.Datetime.now(),
                "decision_note": note,
            }
        )
        decision_label = dict(
            self._fields["decision"]._description_selection(self.env)
        )[decision]
        self.activity_ids.action_feedback(
            feedback=_("Decided: %(decision)s", decision=decision_label)
        )
        if decision == "refund":
            self.refund_move_id = self._create_move(
                "out_refund",
                refundable,
                _(
                    "Refund of %(contract)s (cancellation %(name)s)",
                    contract=self.contract_id.name,
                    name=self.name,
                ),
            )
        elif decision == "credit":
            self.credit_id = self.env["support.credit"]._issue(
                self.partner_id,
                refundable,
                "cancellation",
                self.request_date,
                self.policy_version_id,
                contract_id=self.contract_id.id,
                cancellation_id=self.id,
                company_id=self.company_id.id,
            )
        # The email is the decision's trace on the contract, with the quote.
        self.contract_id._send_client_mail(CANCELLATION_SETTLED_MAIL_TEMPLATE, self)

    def _schedule_approval(self):
        """Ask a support manager of the company to decide the refund."""
        self.ensure_one()
        managers = self.env.ref(GROUP_MANAGER).users.filtered(
            lambda u: self.company_id in u.company_ids and not u.share
        )
        user = managers.sorted("id")[:1] or self.contract_id.user_id
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id or self.env.user.id,
            summary=_(
                "Decide the refund of %(contract)s", contract=self.contract_id.name
            ),
            note=_(
                "The client asked for %(preference)s. Refundable: %(amount)s.",
                preference=dict(
                    self._fields["client_preference"]._description_selection(self.env)
                )[self.client_preference],
                amount=format_money(self.env, self.refundable_amount, self.currency_id),
            ),
        )

    def _create_move(self, move_type, amount, label, settle=True):
        """A posted credit note or invoice of ``amount``, IVA included.

        :param str move_type: ``out_refund`` or ``out_invoice``
        :param str label: the line's description
        :param bool settle: whether a credit note settles what the invoice it
            corrects still asks (a refund); a client credit's note stays open:
            it is the credit, spent on the client's next invoices
            (``support.credit``)
        """
        self.ensure_one()
        contract = self.contract_id
        origin_invoice = self._get_origin_invoice(move_type)
        vals = contract._prepare_support_move_values(
            move_type, amount, label, self.name, origin_invoice
        )
        try:
            move = (
                self.env["account.move"]
                .sudo()
                .with_company(contract.company_id)
                .create(vals)
            )
        except UserError as error:
            raise UserError(
                _(
                    "Accounting is not ready to record the %(document)s of "
                    "%(contract)s: %(error)s",
                    document=move_type,
                    contract=contract.name,
                    error=error,
                )
            ) from error
        self._post_move(move, origin_invoice if settle else self.env["account.move"])
        return move

    def _post_move(self, move, origin_invoice):
        """Post ``move``, made for this cancellation, and let a credit note
        settle what ``origin_invoice`` still asks, as Odoo's own reversal
        does (a payment already made stays the client's outstanding credit,
        refunded through its payment provider).

        If Odoo refuses to post it, the cancellation stands all the same: the
        document waits as a draft for the accountant, who is told what is
        missing (``_document_refused``).
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                move._support_prepare_documents()
                move.action_post()
        except UserError as error:
            self._document_refused(move, error)
            return
        if move.move_type == "out_refund" and origin_invoice:
            (origin_invoice | move).line_ids.filtered(
                lambda line: (
                    line.account_id.reconcile
                    and line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                )
            ).reconcile()

    def _document_refused(self, move, error):
        """Ask the accountant (and the contract's consultant) to complete and
        post the draft ``move`` Odoo refused to post, saying why."""
        self.ensure_one()
        reason = str(error.args[0] if error.args else error).strip()
        _logger.warning(
            "Support cancellation %s (client %s): document %s left as a draft: %s",
            self.name,
            self.partner_id.commercial_partner_id.display_name,
            move.id,
            reason,
        )
        accountants = self.env.ref("account.group_account_manager").users.filtered(
            lambda u: self.company_id in u.company_ids and not u.share
        )
        users = accountants.sorted("id")[:1] | self.contract_id.user_id
        for user in users or self.env.user:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=reason.splitlines()[0][:200] if reason else _("Post"),
                note=_(
                    "The document of %(name)s is a draft: %(reason)s Complete "
                    "it and post it.",
                    name=self.name,
                    reason=reason,
                ),
            )

    def _get_origin_invoice(self, move_type):
        """The posted invoice of the contract's order a credit note corrects
        (``support.contract._get_support_origin_invoice``)."""
        self.ensure_one()
        return self.contract_id._get_support_origin_invoice(move_type)
