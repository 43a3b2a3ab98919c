# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..const import CREDIT_SCOPE_KINDS, REMINDER_TEMPLATE_XMLID
from ..formatting import format_day, format_money
from ..policy import credit_expiry

_logger = logging.getLogger(__name__)


class SupportCredit(models.Model):
    """A credit in the client's favour (support policy §5, §10).

    Issued by a cancellation (the unused balance) or by converting a
    diagnosis or incident into a larger service; spent on later orders,
    oldest expiry first, until it runs out or expires.
    """

    _name = "support.credit"
    _description = "Client Credit"
    _inherit = ["mail.thread"]
    _order = "date_expiry, id"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        required=True, readonly=True, help="The credit issued, IVA included."
    )
    amount_remaining = fields.Monetary(
        compute="_compute_amount_remaining",
        store=True,
        help="What is left to spend: the amount less the uses that count.",
    )
    usage_ids = fields.One2many("support.credit.usage", "credit_id", string="Uses")
    origin = fields.Selection(
        [
            ("cancellation", "Cancellation"),
            ("conversion", "Conversion to a larger service"),
        ],
        required=True,
        readonly=True,
    )
    contract_id = fields.Many2one(
        "support.contract",
        string="From contract",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
    )
    cancellation_id = fields.Many2one(
        "support.cancellation",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    date_issue = fields.Date(
        string="Issued on",
        required=True,
        readonly=True,
        default=lambda self: self.env["res.company"]._support_default_today(),
    )
    date_expiry = fields.Date(
        string="Valid until",
        readonly=True,
        help="The last day the credit can be used; empty: no expiry (a credit "
        "of support policy §5 when the policy version sets no term).",
    )
    reason = fields.Text(
        readonly=True, help="Why the credit was issued, as the client was told."
    )
    date_reminder = fields.Date(
        string="Reminder due on",
        compute="_compute_date_reminder",
        store=True,
        help="When the client is reminded of the unused balance: the company's "
        "reminder days before the expiry.",
    )
    date_reminder_sent = fields.Date(
        string="Reminder sent on", readonly=True, copy=False
    )
    move_id = fields.Many2one(
        "account.move",
        string="Open credit note",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The open credit note that is this credit in the books: the "
        "client's next invoices are paid with it, for what each spends.",
    )
    expiry_move_id = fields.Many2one(
        "account.move",
        string="Expiry entry",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The entry recognising as income what was left when the credit "
        "expired, which settles its credit note.",
    )
    amount_in_books = fields.Monetary(
        string="Open in the books",
        compute="_compute_amount_in_books",
        help="What the credit note still owes the client: what is left of "
        "the credit plus its uses on orders not invoiced yet.",
    )
    state = fields.Selection(
        [("available", "Available"), ("used", "Fully used"), ("expired", "Expired")],
        default="available",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A credit is a positive amount."),
        (
            "expiry_after_issue",
            "CHECK(date_expiry IS NULL OR date_expiry >= date_issue)",
            "A credit expires after it is issued.",
        ),
        (
            "amount_remaining_positive",
            "CHECK(amount_remaining >= 0)",
            "A credit is never used beyond its amount.",
        ),
    ]

    def init(self):
        # A diagnosis or incident is converted into a credit once; the
        # constraint holds against two consultants converting it at once.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS support_credit_conversion_uniq
            ON support_credit (contract_id) WHERE origin = 'conversion'
            """
        )

    @api.depends("amount", "usage_ids.amount", "usage_ids.state")
    def _compute_amount_remaining(self):
        for credit in self:
            used = sum(
                usage.amount for usage in credit.usage_ids if usage.state == "active"
            )
            credit.amount_remaining = credit.currency_id.round(credit.amount - used)

    @api.depends(
        "move_id.state",
        "move_id.line_ids.amount_residual",
    )
    def _compute_amount_in_books(self):
        for credit in self:
            lines = credit.sudo().move_id._support_receivable_lines()
            credit.amount_in_books = -sum(lines.mapped("amount_residual"))

    @api.depends("date_expiry", "company_id.support_credit_reminder_days")
    def _compute_date_reminder(self):
        """A company with no reminder days (0) reminds nobody."""
        for credit in self:
            days = credit.company_id.support_credit_reminder_days
            if credit.date_expiry and days > 0:
                credit.date_reminder = credit.date_expiry - relativedelta(days=days)
            else:
                credit.date_reminder = False

    def _creation_message(self):
        # mail's "<model> created" reads the model's name in the environment's
        # language but says "created" in the user's when the environment has
        # none (records made by data files, such as the demo's): one language.
        lang = self.env.lang or self.env.user.lang
        return super(SupportCredit, self.with_context(lang=lang))._creation_message()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "support.credit"
                ) or _("New")
        return super().create(vals_list)

    def write(self, vals):
        frozen = {
            "amount",
            "partner_id",
            "company_id",
            "date_issue",
            "date_expiry",
            "origin",
        }
        if frozen & set(vals) and not self.env.su:
            raise UserError(
                _("A credit is never changed: cancel its use or issue a new one.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Credits are part of the client's history: never deleted."))

    @api.model
    def _issue(self, partner, amount, origin, date, version, **values):
        """Issue a credit of ``amount`` to ``partner`` from ``date``.

        :param version: the ``support.policy.version`` whose validity applies
        :return: the new ``support.credit``
        """
        # A §5 conversion has its own term on the version (none in the
        # shipped policy: §5 sets no expiry); a cancellation credit the §10
        # months (issue 13, item 7).
        months = (
            version.conversion_credit_validity_months
            if origin == "conversion"
            else version.credit_validity_months
        )
        vals = {
            "partner_id": partner.commercial_partner_id.id,
            "amount": amount,
            "origin": origin,
            "date_issue": date,
            "date_expiry": credit_expiry(date, months),
        }
        vals.update(values)
        credit = self.sudo().create(vals)
        credit.message_subscribe(partner_ids=credit.partner_id.ids)
        credit._book_issue()
        return credit.sudo(self.env.su)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _lock(self):
        """Lock the credit rows before their balance is read and spent.

        ``NOWAIT``: a second transaction spending the same credit fails at
        once with ``LockNotAvailable`` (or ``SerializationFailure`` when the
        first committed after its snapshot), which Odoo's HTTP layer retries
        against the new balance, instead of both seeing the same balance.
        """
        if not self.ids:
            return
        self.flush_recordset()
        self.env.cr.execute(
            "SELECT id FROM support_credit WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
            [tuple(self.ids)],
            log_exceptions=False,
        )
        self.invalidate_recordset(["amount_remaining", "state"])

    @api.model
    def _get_portal_domain(self):
        """Credits the current user sees in the portal: its commercial partner's.

        They are issued to the commercial partner itself (``_issue``): ``=``
        finds them without expanding the company's contacts (as ``child_of``
        does, in queries); the record rules still decide what the user may
        read.
        """
        partner = self.env.user.partner_id.commercial_partner_id
        return [("partner_id", "=", partner.id)]

    @api.model
    def _get_applicable_domain(self, partner, company, date):
        """Credits of ``partner``'s company that can be spent on ``date``."""
        return [
            ("partner_id", "=", partner.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("state", "=", "available"),
            ("amount_remaining", ">", 0),
            "|",
            ("date_expiry", "=", False),
            ("date_expiry", ">=", date),
        ]

    def _get_scope_kinds(self):
        """The plan kinds this credit is spent on (issue 13, item 6)."""
        self.ensure_one()
        return CREDIT_SCOPE_KINDS[self.origin]

    def _update_state(self):
        """Move each credit to the state its balance and validity give.

        Used up at zero; available again when a use is released, unless its
        validity is over, then expired.
        """
        expired = rebook = self.browse()
        for credit in self:
            if credit.currency_id.is_zero(credit.amount_remaining):
                state = "used"
            elif (
                credit.date_expiry
                and credit.date_expiry < credit.company_id._support_today()
            ):
                state = "expired"
            else:
                state = "available"
            if state == "expired" and credit.state != "expired":
                expired |= credit
            elif state != credit.state:
                credit.sudo().state = state
            elif state == "expired":
                # A use released after the expiry: what it held is lost too.
                rebook |= credit
        expired._expire()
        rebook._book_expiry()

    def _expire(self):
        """Expire credits whose validity is over; their balance is lost."""
        for credit in self:
            credit.sudo().state = "expired"
            credit._book_expiry()
            credit.sudo().message_post(
                body=_(
                    "The credit's validity ended on %(date)s: %(amount)s unused "
                    "expired.",
                    date=format_day(self.env, credit.date_expiry),
                    amount=format_money(
                        self.env, credit.amount_remaining, credit.currency_id
                    ),
                ),
            )

    @api.model
    def _cron_expire_credits(self):
        """Expire the credits past their validity, then remind the clients of
        the credits about to expire (each credit once).

        Idempotent: an expired credit is not found again, and a reminder
        sent is recorded on the credit.
        """
        Company = self.env["res.company"]
        to_expire = Company._support_filter_before_today(
            self.search(
                [
                    ("state", "=", "available"),
                    ("amount_remaining", ">", 0),
                    ("date_expiry", "<", Company._support_upper_today()),
                ]
            ),
            "date_expiry",
        )
        to_expire._expire()
        # Due and not yet expired on each company's day (issue 13, item 1).
        to_remind = self.search(
            expression.AND(
                [
                    [
                        ("state", "=", "available"),
                        ("amount_remaining", ">", 0),
                        ("date_reminder_sent", "=", False),
                    ],
                    Company._support_before_today_domain("date_reminder", "<="),
                    ["!"]
                    + expression.normalize_domain(
                        Company._support_before_today_domain("date_expiry")
                    ),
                ]
            )
        )
        to_remind._send_expiry_reminder()
        return to_expire, to_remind

    def _send_expiry_reminder(self):
        """Remind the client of the balance and the expiry, through the queue."""
        template = self.env.ref(REMINDER_TEMPLATE_XMLID, raise_if_not_found=False)
        if not template:
            return
        for credit in self:
            today = credit.company_id._support_today()
            credit.with_context(mail_notify_force_send=False).message_post_with_source(
                template, subtype_xmlid="mail.mt_comment"
            )
            credit.sudo().date_reminder_sent = today

    # ------------------------------------------------------------------
    # Books (README "Books": client credits)
    # ------------------------------------------------------------------
    @api.model
    def _has_books(self, company):
        """Whether ``company`` keeps books the addon posts to: a sales journal.

        A company without a chart of accounts gets credits all the same,
        with no entry (nothing could record it).
        """
        return bool(
            self.env["account.journal"]
            .sudo()
            .search_count(
                [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
            )
        )

    def _book_issue(self):
        """Put the credit in the books: an open credit note of its amount on
        the contract's service, correcting the invoice of what was paid
        (a cancellation's unused balance, a converted diagnosis).

        Left open, unmatched: the money is not returned, it is owed to the
        client until spent or expired. A credit note Odoo refuses to post
        waits as a draft for the accountant (who is told); the credit stands.
        """
        for credit in self.sudo():
            contract = credit.contract_id
            if credit.move_id or not contract or not self._has_books(credit.company_id):
                continue
            label = _(
                "Client credit %(credit)s: %(contract)s",
                credit=credit.name,
                contract=contract.name,
            )
            if credit.cancellation_id:
                credit.move_id = credit.cancellation_id._create_move(
                    "out_refund", credit.amount, label, settle=False
                )
                # Posted before it was the credit's: keep it open now.
                credit.move_id._support_keep_credit_notes_open()
                continue
            origin = contract._get_support_origin_invoice("out_refund")
            move = (
                self.env["account.move"]
                .with_company(credit.company_id)
                .create(
                    contract._prepare_support_move_values(
                        "out_refund", credit.amount, label, credit.name, origin
                    )
                )
            )
            credit.move_id = move
            try:
                with self.env.cr.savepoint():
                    move._support_prepare_documents()
                    move.action_post()
            except UserError as error:
                reason = str(error.args[0] if error.args else error).strip()
                _logger.warning(
                    "Support credit %s (client %s): credit note %s left as a draft: %s",
                    credit.name,
                    credit.partner_id.display_name,
                    move.id,
                    reason,
                )
                contract.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=(contract.user_id or self.env.user).id,
                    summary=reason.splitlines()[0][:200] if reason else _("Post"),
                    note=_(
                        "The credit note of %(credit)s is a draft: %(reason)s "
                        "Complete it and post it.",
                        credit=credit.name,
                        reason=reason,
                    ),
                )

    def _get_expiry_account(self):
        """Where an expired credit's balance is recognised: the income account
        of the service it came from (the accountant may reclassify it)."""
        self.ensure_one()
        product = self.contract_id.plan_id.product_id.with_company(self.company_id)
        accounts = product.product_tmpl_id.get_product_accounts()
        journal = self.move_id.journal_id
        return accounts.get("income") or journal.default_account_id

    def _book_expiry(self):
        """Recognise what is left of an expired credit as income: a
        miscellaneous entry, the client's receivable against the service's
        income account, matched with the credit note for that amount. No
        IVA: the credit note took it back and no service is rendered for it.

        What the note still owes beyond the uses on orders not invoiced yet
        (which may still be invoiced and paid with it): booked again, by a
        new entry, for a use released after the expiry (``expiry_move_id``
        is then the last one).
        """
        for credit in self.sudo():
            note_lines = credit.move_id._support_receivable_lines()
            pending = sum(credit.usage_ids._get_to_book().mapped("amount"))
            amount = credit.currency_id.round(
                -sum(note_lines.mapped("amount_residual")) - pending
            )
            if not note_lines or credit.currency_id.compare_amounts(amount, 0) <= 0:
                continue
            company = credit.company_id
            journal = self.env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "general")], limit=1
            )
            account = credit._get_expiry_account()
            if not journal or not account:
                continue
            label = _("Client credit %(credit)s expired", credit=credit.name)
            receivable = note_lines[:1]
            move = (
                self.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "entry",
                        "journal_id": journal.id,
                        "date": company._support_today(),
                        "ref": credit.name,
                        "line_ids": [
                            Command.create(
                                {
                                    "name": label,
                                    "account_id": receivable.account_id.id,
                                    "partner_id": receivable.partner_id.id,
                                    "debit": amount,
                                }
                            ),
                            Command.create(
                                {
                                    "name": label,
                                    "account_id": account.id,
                                    "partner_id": receivable.partner_id.id,
                                    "credit": amount,
                                }
                            ),
                        ],
                    }
                )
            )
            move.action_post()
            credit.expiry_move_id = move
            move._support_receivable_lines()[:1]._support_reconcile_amount(
                receivable, amount
            )
