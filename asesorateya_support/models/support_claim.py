# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from ..formatting import format_day
from ..utils import check_date_values, check_id_values, check_text_values

#: Fewest non-blank characters of the reasons of a claim, or of its answer:
#: "a detailed description of the reasons" (agency policy §7.1) and "a
#: reasoned answer" (§7.2) are more than a word or two.
MIN_TEXT_LENGTH = 30

#: Claims the policy answers by itself, and the clause that answers them.
CLAUSE_BY_TYPE = {
    "aesthetic": "§5.4",
    "non_publication": "§4.4",
}

#: What cannot change once a claim is answered: the record of what the client
#: wrote and of what it was answered.
FROZEN_WHEN_ANSWERED = {
    "partner_id",
    "company_id",
    "contract_id",
    "claim_type",
    "document_reference",
    "contract_date",
    "reasons",
    "date_received",
    "state",
    "answer",
    "clause",
    "answered_by_id",
    "answered_on",
}


def count_meaningful_chars(text):
    """Number of non-blank characters of ``text``.

    :param str text: any text, or a falsy value
    :return: how many characters are not whitespace
    :rtype: int
    """
    return len("".join((text or "").split()))


class SupportClaim(models.Model):
    """A written request of a client: review, complaint or refund (agency §7).

    The claim records what §7.1 asks the client to write (the quote, contract
    or invoice number, the date of the contract and the detailed reasons) and
    the reasoned answer §7.2 promises within the policy's delay. A claim is
    only a record of the exchange: it never refunds, credits nor invoices
    anything by itself; what follows from it goes through the cancellation
    policy, a breach or a revision round.
    """

    _name = "support.claim"
    _description = "Client Claim"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    # Clients may write in the portal chatter of claims they can read.
    _mail_post_access = "read"

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
        "the claim in the portal.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    contract_id = fields.Many2one(
        "support.contract",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        help="The contract the claim is about, when it is known.",
    )
    claim_type = fields.Selection(
        [
            ("review", "Review request"),
            ("complaint", "Complaint"),
            ("refund", "Refund request"),
            ("breach", "Objective breach"),
            ("aesthetic", "Aesthetic dissatisfaction"),
            ("non_publication", "Project not published"),
        ],
        string="Type",
        required=True,
        default="review",
        tracking=True,
    )
    document_reference = fields.Char(
        string="Quote, contract or invoice number",
        required=True,
        tracking=True,
        help="As the client wrote it (agency policy §7.1).",
    )
    contract_date = fields.Date(
        string="Contract date",
        required=True,
        tracking=True,
        help="The date of the contract the client indicated (agency policy §7.1).",
    )
    reasons = fields.Text(
        required=True,
        help="The detailed description of the reasons of the request (agency "
        "policy §7.1).",
    )
    date_received = fields.Date(
        string="Received on",
        required=True,
        default=lambda self: self.env["res.company"]._support_default_today(),
        tracking=True,
        help="The day the written claim reached the formal channel.",
    )
    policy_version_id = fields.Many2one(
        "support.policy.version",
        compute="_compute_policy_version_id",
        store=True,
        ondelete="restrict",
        help="The contract's policy version; without a contract, the version "
        "of the company's default policy in force when the claim was received.",
    )
    date_due = fields.Date(
        string="Answer due by",
        compute="_compute_date_due",
        store=True,
        help="The date received plus the policy's delay to answer a claim.",
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
    )
    state = fields.Selection(
        [("received", "Received"), ("answered", "Answered")],
        default="received",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    answer = fields.Text(
        copy=False,
        help="The reasoned answer given to the client (agency policy §7.2).",
    )
    clause = fields.Char(
        string="Clause cited",
        copy=False,
        help="The clause of the policy the answer rests on.",
    )
    answered_by_id = fields.Many2one(
        "res.users", string="Answered by", readonly=True, copy=False
    )
    answered_on = fields.Datetime(readonly=True, copy=False)

    @api.depends(
        "contract_id.policy_version_id",
        "company_id",
        "date_received",
    )
    def _compute_policy_version_id(self):
        for claim in self:
            version = claim.contract_id.policy_version_id
            if not version and claim.company_id:
                policy = claim.company_id._get_support_policy()
                if policy:
                    version = policy._version_at(
                        claim.date_received or claim.company_id._support_today()
                    )
                    version = version or policy.current_version_id
            claim.policy_version_id = version

    @api.depends("date_received", "policy_version_id.claim_response_days")
    def _compute_date_due(self):
        for claim in self:
            if claim.date_received and claim.policy_version_id:
                claim.date_due = claim.date_received + timedelta(
                    days=claim.policy_version_id.claim_response_days
                )
            else:
                claim.date_due = claim.date_received

    @api.depends("state", "date_due")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        for claim in self:
            claim.is_overdue = bool(
                claim.state == "received"
                and claim.date_due
                and (claim.company_id or self.env.company)._support_today()
                > claim.date_due
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search overdue claims with = True or = False."))
        overdue = expression.AND(
            [
                [("state", "=", "received")],
                self.env["res.company"]._support_before_today_domain("date_due"),
            ]
        )
        if (operator == "=") == value:
            return overdue
        return ["!"] + expression.normalize_domain(overdue)

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for claim in self:
            claim.access_url = f"/my/support/claims/{claim.id}"

    @api.constrains("contract_date", "date_received")
    def _check_dates(self):
        """A claim is about a contract made before it, received by today."""
        for claim in self:
            today = (claim.company_id or self.env.company)._support_today()
            if claim.date_received > today:
                raise ValidationError(
                    _(
                        "A claim is recorded once received: %(date)s is in the future.",
                        date=format_day(self.env, claim.date_received),
                    )
                )
            if claim.contract_date > claim.date_received:
                raise ValidationError(
                    _(
                        "The date of the contract (%(date)s) cannot be after "
                        "the claim about it (%(received)s).",
                        date=format_day(self.env, claim.contract_date),
                        received=format_day(self.env, claim.date_received),
                    )
                )

    @api.constrains("partner_id", "contract_id")
    def _check_partner(self):
        for claim in self:
            if claim.partner_id != claim.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "A claim belongs to the client's company (%(company)s), "
                        "not to one of its contacts.",
                        company=claim.partner_id.commercial_partner_id.display_name,
                    )
                )
            if claim.contract_id and claim.contract_id.partner_id != claim.partner_id:
                raise ValidationError(
                    _(
                        "%(contract)s is a contract of %(contract_client)s, not "
                        "of %(client)s.",
                        contract=claim.contract_id.name,
                        contract_client=claim.contract_id.partner_id.display_name,
                        client=claim.partner_id.display_name,
                    )
                )

    @api.onchange("contract_id")
    def _onchange_contract_id(self):
        """Prefill what the contract tells: its number and date (§7.1)."""
        contract = self.contract_id
        if not contract:
            return
        self.partner_id = contract.partner_id
        prefill = contract._get_claim_prefill()
        if not self.document_reference:
            self.document_reference = prefill["document_reference"]
        if not self.contract_date:
            self.contract_date = prefill["contract_date"]

    @api.onchange("claim_type")
    def _onchange_claim_type(self):
        """Cite the clause that answers this kind of claim, and propose its answer."""
        if self.claim_type in CLAUSE_BY_TYPE:
            self.clause = CLAUSE_BY_TYPE[self.claim_type]
            if not self.answer:
                self.answer = self._get_clause_answer(self.claim_type)

    @api.model_create_multi
    def create(self, vals_list):
        # Who may not create claims is told so, whatever the values.
        self.check_access_rights("create")
        partners = self.env["res.partner"]
        contracts = self.env["support.contract"]
        for vals in vals_list:
            # Refuse an incomplete claim with the policy's words before the
            # database refuses it without them.
            self._check_claim_values(vals)
            if vals.get("contract_id") and not vals.get("partner_id"):
                vals["partner_id"] = contracts.browse(vals["contract_id"]).partner_id.id
            if vals.get("claim_type") in CLAUSE_BY_TYPE and not vals.get("clause"):
                vals["clause"] = CLAUSE_BY_TYPE[vals["claim_type"]]
            if vals.get("partner_id"):
                partner = partners.browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "support.claim"
                ) or _("New")
        claims = super().create(vals_list)
        for claim in claims:
            claim.message_subscribe(partner_ids=claim.partner_id.ids)
            claim._schedule_answer()
        return claims

    def write(self, vals):
        self.check_access_rights("write")
        if FROZEN_WHEN_ANSWERED & set(vals) and any(
            claim.state == "answered" for claim in self
        ):
            raise UserError(
                _(
                    "An answered claim is part of the client's history and no "
                    "longer changes: record a new claim."
                )
            )
        self._check_claim_values(vals, partial=True)
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A claim is part of the client's history: never deleted."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_answer(self, answer=None):
        """Give the client the reasoned answer of the claim (agency policy §7.2).

        A claim of mere aesthetic dissatisfaction (§5.4) or about a project
        that was not published (§4.4) is answered under that clause: the
        clause is cited, and the clause's answer is given when no other text
        is. Answering changes no amount: nothing is refunded, credited or
        invoiced.

        :param str answer: the answer (default: the one on the claim)
        :raise UserError: on an answered claim or an answer that gives no
            reasons
        """
        self.ensure_one()
        if self.state != "received":
            raise UserError(_("%(claim)s is already answered.", claim=self.name))
        answer = (answer if answer is not None else self.answer) or ""
        clause = CLAUSE_BY_TYPE.get(self.claim_type) or self.clause
        if self.claim_type in CLAUSE_BY_TYPE:
            if not answer.strip():
                answer = self._get_clause_answer(self.claim_type)
            elif clause not in answer:
                answer = "\n\n".join(
                    [answer.strip(), self._get_clause_answer(self.claim_type)]
                )
        if count_meaningful_chars(answer) < MIN_TEXT_LENGTH:
            raise UserError(
                _(
                    "Give the client a reasoned answer, with the result of the "
                    "review and the measures taken if any (agency policy "
                    "§7.2): at least %(count)s characters.",
                    count=MIN_TEXT_LENGTH,
                )
            )
        self.write(
            {
                "answer": answer.strip(),
                "clause": clause,
                "state": "answered",
                "answered_by_id": self.env.user.id,
                "answered_on": fields.Datetime.now(),
            }
        )
        self.activity_ids.action_feedback(feedback=_("Answered."))
        self.message_post(
            body=_(
                "Answer to your claim %(name)s:\n%(answer)s",
                name=self.name,
                answer=self.answer,
            ),
            partner_ids=self.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _get_portal_domain(self):
        """Claims the current user sees in the portal: its commercial partner's.

        A claim belongs to the commercial partner itself (``_check_partner``):
        ``=`` finds them without expanding the company's contacts (as
        ``child_of`` does, in queries); the record rules still decide what
        the user may read.
        """
        partner = self.env.user.partner_id.commercial_partner_id
        return [("partner_id", "=", partner.id)]

    @api.model
    def _get_portal_claim_types(self, contracts):
        """The kinds of claim a client files in the portal.

        Dissatisfaction with a design and a project not published only
        concern the agency's projects (agency policy §4.4, §5.4): they are
        offered to clients with a project.

        :param contracts: the client's ``support.contract`` records
        :return: ``(value, label)`` pairs
        """
        selection = self._fields["claim_type"]._description_selection(self.env)
        if any(contract.kind == "project" for contract in contracts):
            return selection
        return [(key, label) for key, label in selection if key not in CLAUSE_BY_TYPE]

    @api.model
    def _get_reasons_min_length(self):
        """Fewest characters of a claim's reasons, as the portal form says."""
        return MIN_TEXT_LENGTH

    @api.model
    def _check_claim_values(self, vals, partial=False):
        """Refuse a claim without what agency policy §7.1 asks the client for.

        :param dict vals: values of a claim being created, or written when
            ``partial``: then only the values present are checked
        :raise ValidationError: naming what is missing, or a value of the
            wrong type or size
        """
        check_id_values(self, vals, ("partner_id", "contract_id"))
        check_date_values(self, vals, ("contract_date", "date_received"))
        check_text_values(
            self, vals, ("document_reference", "reasons", "answer", "clause")
        )
        missing = []
        if (not partial or "document_reference" in vals) and not (
            vals.get("document_reference") or ""
        ).strip():
            missing.append(_("the quote, contract or invoice number"))
        if (not partial or "contract_date" in vals) and not vals.get("contract_date"):
            missing.append(_("the date of the contract"))
        if missing:
            raise ValidationError(
                _(
                    "A written claim states %(missing)s (agency policy §7.1).",
                    missing=_(" and ").join(missing),
                )
            )
        if (not partial or "reasons" in vals) and count_meaningful_chars(
            vals.get("reasons")
        ) < MIN_TEXT_LENGTH:
            raise ValidationError(
                _(
                    "Describe the reasons of the claim in detail (agency policy "
                    "§7.1): at least %(count)s characters.",
                    count=MIN_TEXT_LENGTH,
                )
            )

    @api.model
    def _get_clause_answer(self, claim_type):
        """The answer the policy gives by itself to a kind of claim.

        :param str claim_type: a key of :data:`CLAUSE_BY_TYPE`
        :return: the text of the answer, citing the clause
        """
        if claim_type == "aesthetic":
            return _(
                "Design has an unavoidably subjective side (agency policy §5.1). "
                "Under agency policy §5.4, mere dissatisfaction with aesthetic "
                "aspects or personal taste, when the agency followed good "
                "results-oriented design practices, is not a ground to refund "
                "the deposit nor the services contracted. The revision rounds "
                "of the proposal remain available to adjust the design (§5.3)."
            )
        if claim_type == "non_publication":
            return _(
                "Under agency policy §4.4, the mere fact that the project is not "
                "finally published, used or commercially exploited does not "
                "give the right to a refund of the deposit, nor exempt from "
                "paying the additional work actually done."
            )
        return ""

    def _get_responsible_user(self):
        """Who answers the claim: the contract's consultant, else a manager.

        A claim filed in the portal is created by the client: the client
        never gets the to-do, whoever else is left.
        """
        self.ensure_one()
        user = self.contract_id.user_id
        if user and not user.share and self.company_id in user.company_ids:
            return user
        manager = self.company_id._get_support_manager()
        if manager or not self.env.user.share:
            return manager or self.env.user
        return self.env.ref("base.user_admin", raise_if_not_found=False) or manager

    def _schedule_answer(self):
        """Ask the responsible user to answer the claim by its due date."""
        self.ensure_one()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.date_due,
            user_id=self._get_responsible_user().id,
            summary=_("Answer the claim %(name)s", name=self.name),
            note=_(
                "A reasoned answer is due by %(date)s (agency policy §7.2).",
                date=format_day(self.env, self.date_due),
            ),
        )
