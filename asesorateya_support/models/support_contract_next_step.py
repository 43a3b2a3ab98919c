# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, _, models

from ..const import PROPOSAL_ONLY_KINDS

#: States in which a contract's sessions are still booked.
BOOKING_STATES = ("confirmed", "waiting", "active")
#: States of an hour bag from which the client may ask for an additional one.
ADDITIONAL_BAG_STATES = ("confirmed", "waiting", "active", "exhausted")
#: States of a quotation the client still signs and pays.
OPEN_QUOTATION_STATES = ("draft", "sent")


class SupportContract(models.Model):
    """What a contract's page offers the client next: a session to book
    while the service runs, the proposed hour bag after a diagnosis, an
    additional bag when the hours run low (policy §2, §6)."""

    # One file per concern (STYLE.md, "Layout").
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited

    def _portal_can_book(self):
        """Sessions are booked while the service runs: never on a done or
        cancelled contract, nor on a paused or exhausted one."""
        self.ensure_one()
        return self.state in BOOKING_STATES

    def _portal_get_proposals(self):
        """The proposals waiting for the client after its diagnosis (§2):
        quotations of an hour bag with the validated scope, prepared by the
        consultancy and not yet confirmed.

        :return: ``sale.order`` records (as the superuser), newest first
        """
        self.ensure_one()
        Order = self.env["sale.order"].sudo()
        if self.kind != "diagnosis" or self.state != "done":
            return Order
        plans = (
            self.env["support.plan"]
            .sudo()
            .search(
                [
                    ("kind", "in", PROPOSAL_ONLY_KINDS),
                    ("company_id", "in", [self.company_id.id, False]),
                ]
            )
        )
        return Order.search(
            [
                ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "in", OPEN_QUOTATION_STATES),
                ("support_scope", "!=", False),
                ("order_line.product_id", "in", plans.product_id.ids),
            ],
            order="id desc",
        )

    def _portal_can_ask_additional_bag(self):
        """An hour bag whose hours run low or ran out (policy §6)."""
        self.ensure_one()
        return bool(
            self.kind == "hour_bag"
            and self.state in ADDITIONAL_BAG_STATES
            and self.scope
            and self.plan_id.product_id
            and (self.is_low_balance or self.state == "exhausted")
        )

    def _get_additional_bag_quotation(self):
        """The quotation of an additional bag the client asked for on this
        contract and has not confirmed yet, if any."""
        self.ensure_one()
        return (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("support_origin_contract_id", "=", self.id),
                    ("state", "in", OPEN_QUOTATION_STATES),
                ],
                order="id desc",
                limit=1,
            )
        )

    def action_portal_ask_additional_bag(self):
        """The client asks for an additional bag on the same validated scope
        (policy §6): a quotation of the contract's plan, with its scope, for
        the client to sign and pay online; the consultant gets a to-do.

        Asking again while that quotation is open gives the same one.

        :return: the ``sale.order`` quotation (as the superuser)
        :raise UserError: when the contract is not an hour bag running low
        """
        self.ensure_one()
        self._check_portal_request(
            self._portal_can_ask_additional_bag(), _("Asking for an additional bag")
        )
        existing = self._get_additional_bag_quotation()
        if existing:
            return existing
        user_partner = self.env.user.partner_id
        partner = (
            user_partner
            if user_partner.commercial_partner_id == self.partner_id
            else self.partner_id
        )
        order = (
            self.env["sale.order"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "user_id": self.user_id.id or False,
                    "support_scope": self.scope,
                    "support_origin_contract_id": self.id,
                    "require_signature": True,
                    "require_payment": True,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.plan_id.product_id.id,
                                "product_uom_qty": 1,
                            }
                        )
                    ],
                }
            )
        )
        order.action_quotation_sent()
        self.sudo().message_post(
            body=_(
                "%(client)s asked for an additional bag on the same scope: "
                "quotation %(order)s, to sign and pay online (policy §6).",
                client=partner.name,
                order=order.name,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._schedule_portal_request_activity(
            _(
                "Additional bag asked by %(client)s: %(order)s",
                client=self.partner_id.name,
                order=order.name,
            ),
            _(
                "The client asked for an additional bag on the same validated "
                "scope (policy §6). Check the quotation %(order)s; it is "
                "confirmed once signed and paid.",
                order=order.name,
            ),
        )
        return order
