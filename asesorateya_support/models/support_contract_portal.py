# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from markupsafe import Markup

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..const import CANCELLABLE_STATES, PORTAL_REQUEST_STATES
from ..formatting import format_day, format_money
from ..utils import check_text

#: Most files and bytes a client may attach to one message from the portal.
PORTAL_MAX_ATTACHMENTS = 10
PORTAL_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


class SupportContract(models.Model):
    """The client's side of a contract: what the portal shows and lets ask.

    The portal controllers only check access and read forms; what a client
    sees (domains) and what its requests do (priorities, case information,
    cancellation) is decided here. Every request leaves a message on the
    contract, which the client reads in the portal, and a to-do for the
    consultant.
    """

    # One file per concern (STYLE.md, "Layout"), not one class of 2,000 lines.
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited
    # Clients may write in the portal chatter of contracts they can read.
    _mail_post_access = "read"

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        """Add followers one request at a time per contract.

        The first message of a client on a contract it does not follow yet
        adds it as a follower. Two such messages at once (a double click)
        would both insert the follower, and the second would meet the
        followers' unique rule: an error page although its message was
        posted. Touching the contract's row first serialises them: the
        second waits, then fails with a serialization error that Odoo's HTTP
        layer retries, and the retry finds the follower.
        """
        new_partners = set(partner_ids or ())
        if new_partners and self.ids:
            self.env.cr.execute(
                """
                SELECT COUNT(*) FROM mail_followers
                 WHERE res_model = %s AND res_id IN %s AND partner_id IN %s
                """,
                [self._name, tuple(self.ids), tuple(new_partners)],
            )
            if self.env.cr.fetchone()[0] < len(self.ids) * len(new_partners):
                self.env.cr.execute(
                    "UPDATE support_contract SET write_date = write_date "
                    "WHERE id IN %s",
                    [tuple(self.ids)],
                    log_exceptions=False,
                )
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )

    # ------------------------------------------------------------------
    # What the client sees
    # ------------------------------------------------------------------
    @api.model
    def _get_portal_domain(self):
        """Contracts the current user sees in the portal: those of its
        commercial partner (whoever of that company is logged in), once
        bought (drafts are the consultancy's work in progress).

        A contract belongs to the commercial partner itself
        (``_check_partner_commercial``): ``=`` finds them without expanding
        the company's contacts, which ``child_of`` does in queries on every
        search. The record rules still decide what the user may read.
        """
        partner = self.env.user.partner_id.commercial_partner_id
        return [("partner_id", "=", partner.id), ("state", "!=", "draft")]

    def _get_portal_session_domain(self):
        """Session logs the portal shows on this contract: all of them,
        corrections included (policy §4, §11: the client sees the log)."""
        self.ensure_one()
        return [("contract_id", "=", self.id)]

    def _get_portal_notice_session_domain(self):
        """Logs the client is reminded of: work outside the validated scope
        or beyond the hours left, both agreed with the client first (§5, §6)."""
        self.ensure_one()
        return [
            ("contract_id", "=", self.id),
            "|",
            ("out_of_scope", "=", True),
            ("exceeds_balance", "=", True),
        ]

    def _get_portal_session_summary(self):
        """How many logs the portal shows, and whether some may be notices.

        One grouped query, whatever the number of logs: the page counts them
        for its pager and looks for the notices
        (:meth:`_get_portal_notice_session_domain`) only when a log is out of
        scope or beyond the balance.

        :return: ``(count, may_have_notices)``
        """
        self.ensure_one()
        [(count, out_of_scope, exceeds_balance)] = self.env[
            "support.session"
        ]._read_group(
            self._get_portal_session_domain(),
            [],
            ["__count", "out_of_scope:bool_or", "exceeds_balance:bool_or"],
        )
        return count, bool(out_of_scope or exceeds_balance)

    def _is_portal_client(self, user):
        """Whether ``user`` acts for the client of this contract.

        Reading a contract may come from an access token in an email; asking
        something in the client's name needs a login of the client's company.
        """
        self.ensure_one()
        return bool(
            user
            and not user._is_public()
            and user.partner_id.commercial_partner_id == self.partner_id
        )

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Statement %(contract)s", contract=self.name)

    # ------------------------------------------------------------------
    # What the client may ask
    # ------------------------------------------------------------------
    def _portal_can_submit_priorities(self):
        """Monthly retainers take the client's priorities for the open cycle (§9)."""
        self.ensure_one()
        return bool(
            self.kind == "monthly"
            and self.state in PORTAL_REQUEST_STATES
            and self.current_period_id
        )

    def _portal_can_send_case(self):
        """The client sends the case and its evidence while the service is open (§9)."""
        self.ensure_one()
        return self.state in PORTAL_REQUEST_STATES

    def _portal_can_cancel(self):
        """A bought contract not cancelled yet can be cancelled by the client (§10)."""
        self.ensure_one()
        return (
            self.state in CANCELLABLE_STATES
            and self.state != "draft"
            and not self.cancellation_ids
        )

    def _check_portal_request(self, allowed, action):
        self.ensure_one()
        if not allowed:
            raise UserError(
                _(
                    "%(action)s is not possible on %(contract)s any more.",
                    action=action,
                    contract=self.name,
                )
            )

    def action_submit_priorities(self, priorities):
        """Record the client's priorities for the current monthly cycle (§9).

        The cycle keeps the latest priorities; every submission is also posted
        on the contract, so the earlier ones stay in its history.

        :param str priorities: the priorities, as the client wrote them
        :return: the cycle
        :raise UserError: on a contract without an open cycle, or no text
        """
        self.ensure_one()
        self._check_portal_request(
            self._portal_can_submit_priorities(), _("Setting the month's priorities")
        )
        check_text(priorities, _("The priorities"))
        text = (priorities or "").strip()
        if not text:
            raise UserError(_("Write the priorities of the month."))
        period = self.current_period_id
        period.priorities = text
        self.message_post(
            body=Markup("<p>%s</p>%s")
            % (
                _(
                    "Priorities for the cycle %(start)s → %(end)s:",
                    start=format_day(self.env, period.date_start),
                    end=format_day(self.env, period.date_end),
                ),
                plaintext2html(text),
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self._schedule_portal_request_activity(
            _("Priorities of the month from %(client)s", client=self.partner_id.name),
            text,
        )
        return period

    def action_send_case(self, description, attachments=None):
        """Post the client's description of the case and its evidence (§2, §9).

        :param str description: the case, as the client describes it
        :param list attachments: ``(file name, bytes)`` pairs
        :return: the ``mail.message`` posted
        :raise UserError: without a description, or with too many or too
            large files
        """
        self.ensure_one()
        self._check_portal_request(
            self._portal_can_send_case(), _("Sending the case description")
        )
        check_text(description, _("The case description"))
        text = (description or "").strip()
        if not text:
            raise UserError(_("Describe the case before sending it."))
        attachments = [(name, content) for name, content in attachments or [] if name]
        if len(attachments) > PORTAL_MAX_ATTACHMENTS:
            raise UserError(
                _(
                    "Attach at most %(count)s files; send the others in another "
                    "message.",
                    count=PORTAL_MAX_ATTACHMENTS,
                )
            )
        if sum(len(content) for _name, content in attachments) > (
            PORTAL_MAX_ATTACHMENT_BYTES
        ):
            raise UserError(
                _(
                    "The files weigh more than %(size)s MB in all: send them in "
                    "several messages.",
                    size=PORTAL_MAX_ATTACHMENT_BYTES // (1024 * 1024),
                )
            )
        message = self.message_post(
            body=Markup("<p>%s</p>%s")
            % (_("Case description and evidence:"), plaintext2html(text)),
            attachments=attachments,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self._schedule_portal_request_activity(
            _("Case information from %(client)s", client=self.partner_id.name),
            _(
                "%(text)s\n\n%(count)s file(s) attached.",
                text=text,
                count=len(attachments),
            ),
        )
        return message

    def _get_cancellation_choices(self, quote):
        """What the client may choose when cancelling, as the policy allows.

        :param dict quote: the result of :meth:`cancellation_quote`
        :return: ``(preference, label)`` pairs, the policy's outcome first;
            the preferences are those of :meth:`action_cancel_by_policy`
        """
        self.ensure_one()
        currency = self.currency_id
        if currency.is_zero(quote["refundable_amount"]):
            return [("policy", _("Cancel: nothing is refundable"))]
        refundable = format_money(self.env, quote["refundable_amount"], currency)
        if not currency.is_zero(quote["refund_amount"]):
            refund = format_money(self.env, quote["refund_amount"], currency)
            return [
                ("policy", _("A refund of %(amount)s", amount=refund)),
                (
                    "credit",
                    _("A credit of %(amount)s in my favour instead", amount=refundable),
                ),
            ]
        if not currency.is_zero(quote["credit_amount"]):
            credit = format_money(self.env, quote["credit_amount"], currency)
            version = self.policy_version_id
            return [
                ("policy", _("A credit of %(amount)s in my favour", amount=credit)),
                (
                    "refund",
                    _(
                        "A refund of %(amount)s instead (%(approval)s)",
                        amount=refundable,
                        approval=_("a manager reviews it")
                        if version.refund_needs_approval
                        else _("granted on request"),
                    ),
                ),
            ]
        return [
            (
                "refund",
                _("A refund of %(amount)s (a manager decides)", amount=refundable),
            ),
            ("credit", _("A credit of %(amount)s in my favour", amount=refundable)),
        ]

    def action_portal_cancel(self, preference, reason=None):
        """Cancel the contract at the client's request, made in the portal.

        The quote of today decides (:meth:`action_cancel_by_policy`, channel
        ``portal``); the consultant gets a to-do to follow the request up.

        :param str preference: one of :meth:`_get_cancellation_choices`
        :param str reason: why the client cancels, if it says
        :return: the ``support.cancellation``
        :raise UserError: on a preference the policy does not offer
        """
        self.ensure_one()
        self._check_portal_request(self._portal_can_cancel(), _("Cancelling"))
        check_text(reason, _("The reason of the cancellation"))
        quote = self.cancellation_quote()
        allowed = dict(self._get_cancellation_choices(quote))
        if preference not in allowed:
            raise UserError(_("Choose one of the outcomes the policy offers."))
        cancellation = self.action_cancel_by_policy(
            preference=preference,
            reason=(reason or "").strip() or None,
            channel="portal",
        )
        self._schedule_portal_request_activity(
            _("Cancellation requested by %(client)s", client=self.partner_id.name),
            _(
                "%(name)s: %(choice)s.\n%(reason)s",
                name=cancellation.name,
                choice=allowed[preference],
                reason=(reason or "").strip(),
            ),
        )
        return cancellation

    def _get_claim_prefill(self):
        """What a claim about this contract states by itself (agency §7.1).

        :return: a dict with ``document_reference`` and ``contract_date``
        """
        self.ensure_one()
        return {
            "document_reference": self.sudo().sale_order_id.name or self.name,
            "contract_date": self.date_purchase,
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _schedule_portal_request_activity(self, summary, note):
        """Give the consultant a to-do for a request the client made.

        Made as the superuser: the client asks, it does not manage activities.
        """
        self.ensure_one()
        # The consultant while their user is active, else a manager: never a
        # portal user, nor an archived one who would not see the to-do.
        user = self._get_support_responsible(active_only=True)
        if not user:
            # Nobody to assign: the message on the contract is the notice.
            return self.env["mail.activity"]
        return self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.company_id._support_today(),
            user_id=user.id,
            summary=summary,
            note=plaintext2html(note or ""),
        )
