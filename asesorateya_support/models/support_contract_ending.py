# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..formatting import format_day
from ..policy import notice_last_day
from ..utils import check_text


class SupportContract(models.Model):
    """A monthly retainer ended with notice (support policy §7: "el cliente
    puede discontinuar el servicio con aviso previo"; issue 13).

    The client (portal) or the consultant asks to stop; the retainer keeps
    running to its last day: the end of the current cycle, or of the cycle
    covering the request date plus the notice of the policy version. The
    cycle cron (``support.contract.period._roll_contracts``) then closes it,
    once, under its batching and locking: no cycle opens or is billed after
    the last day, and nothing is refunded for a cycle consumed as agreed.
    Until the last day the request can be withdrawn.
    """

    # One file per concern (STYLE.md, "Layout"), not one class of 2,000 lines.
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited

    end_request_date = fields.Date(
        string="Notice given on",
        readonly=True,
        copy=False,
        tracking=True,
        help="Monthly plans: the day the client or the consultant asked to "
        "stop the service with notice (policy §7).",
    )
    end_last_day = fields.Date(
        string="Last day of service",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="Monthly plans ended with notice: the service runs to this day; "
        "no cycle opens or is billed after it.",
    )
    end_channel = fields.Selection(
        [("backend", "Consultant"), ("portal", "Client portal")],
        string="Notice through",
        readonly=True,
        copy=False,
    )

    def _portal_can_request_end(self):
        """A running retainer without a notice can be ended by the client."""
        self.ensure_one()
        return bool(
            self.kind == "monthly"
            and self.state in ("active", "paused")
            and not self.end_last_day
        )

    def _portal_can_withdraw_end(self):
        """A notice is withdrawn until it takes effect."""
        self.ensure_one()
        return bool(
            self.end_last_day
            and self.state in ("active", "paused")
            and self.company_id._support_today() <= self.end_last_day
        )

    def action_request_end(self, reason=None, channel="backend"):
        """End this monthly retainer with notice (support policy §7).

        The last day is the end of the cycle covering today plus the notice
        days of the contract's policy version (0 in the shipped policy: the
        end of the current cycle). The client is emailed, in its Spanish,
        the last day. A retainer with no running cycle (paused) has nothing
        left to serve: it ends today.

        :param str reason: why, if the client says
        :param str channel: ``backend`` or ``portal``
        :return: the last day of service
        :raise UserError: on another kind of plan, a closed contract or a
            notice already given
        """
        self.ensure_one()
        check_text(reason, _("The reason to stop the service"))
        self.check_access_rights("write")
        self.check_access_rule("write")
        if self.kind != "monthly":
            raise UserError(
                _(
                    "Only a monthly plan is ended with notice (policy §7); "
                    "%(contract)s is cancelled through the cancellation policy.",
                    contract=self.name,
                )
            )
        # Serialised with the cycle cron and other requests.
        self._lock_for_consumption()
        self.invalidate_recordset(["state", "end_last_day", "period_ids"])
        if self.end_last_day:
            raise UserError(
                _(
                    "%(contract)s already ends on %(date)s.",
                    contract=self.name,
                    date=format_day(self.env, self.end_last_day),
                )
            )
        self._check_state(("active", "paused"), _("Ending with notice"))
        today = self.company_id._support_today()
        period = self._period_for(today).filtered(lambda p: p.state == "open")
        if period:
            anchor, index = period._anchor_and_index()
            last_day = notice_last_day(
                anchor, index, today, self._get_policy_version().retainer_notice_days
            )
        else:
            last_day = today
        self.sudo().write(
            {
                "end_request_date": today,
                "end_last_day": last_day,
                "end_channel": channel,
            }
        )
        self._notify_end(last_day, reason)
        if not period:
            self._end_with_notice()
        return last_day

    def action_withdraw_end(self):
        """Withdraw the notice while it has not taken effect: the retainer
        goes on, cycle after cycle."""
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        self._lock_for_consumption()
        self.invalidate_recordset(["state", "end_last_day"])
        if not self._portal_can_withdraw_end():
            raise UserError(
                _(
                    "%(contract)s has no notice to withdraw, or it already "
                    "took effect.",
                    contract=self.name,
                )
            )
        last_day = self.end_last_day
        self.sudo().write(
            {"end_request_date": False, "end_last_day": False, "end_channel": False}
        )
        self._notify_end(last_day, withdrawn=True)
        return True

    def _notify_end(self, last_day, reason=None, withdrawn=False):
        """Confirm a notice, or its withdrawal, to the client: an email
        through the chatter, in the client's Spanish, saying the last day."""
        self.ensure_one()
        # ``_()`` reads the language from ``self``: rebinding it is the point.
        self = self.with_context(lang=self._get_explanation_lang())  # pylint: disable=self-cls-assignment
        if withdrawn:
            text = _(
                "The notice to end %(contract)s on %(date)s was withdrawn: the "
                "monthly plan goes on as before.",
                contract=self.name,
                date=format_day(self.env, last_day),
            )
        else:
            text = _(
                "The monthly plan %(contract)s ends with notice (policy §7): "
                "its last day of service is %(date)s. Until then the service "
                "runs as agreed; no cycle begins or is billed after it, and "
                "nothing is refunded for the cycles served. You may withdraw "
                "this request until %(date)s.",
                contract=self.name,
                date=format_day(self.env, last_day),
            )
        body = Markup("<p>%s</p>") % text
        if reason:
            body += Markup("<p>%s</p>") % reason
        self.message_post(
            body=body,
            partner_ids=self._get_client_contact().ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _end_with_notice(self):
        """Close the retainers whose notice took effect: their open cycle is
        closed as the last one and the contract is done on its last day.
        Called by the cycle cron for the contracts it locked."""
        for contract in self:
            contract.period_ids.filtered(lambda p: p.state == "open").with_context(
                support_final_close=True
            )._close()
            contract.write({"state": "done", "date_end": contract.end_last_day})

    def action_resume(self):
        """A paused plan whose notice took effect meanwhile is not resumed
        into a new cycle: it ends on its last day (policy §7)."""
        over = self.filtered(
            lambda c: (
                c.end_last_day
                and c.state == "paused"
                and c.company_id._support_today() > c.end_last_day
            )
        )
        over._end_with_notice()
        return super(SupportContract, self - over).action_resume()
