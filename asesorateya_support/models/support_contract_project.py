# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..const import (
    CLOSED_STATES,
    EXTRA_ROUND_PRODUCT_XMLID,
    REVISION_STATES,
)


class SupportContract(models.Model):
    """A fixed-price project of the web agency (agency policy §3, §4, §5.3,
    §6).

    Its price is paid in two parts: a non-refundable deposit and the balance
    at delivery. Its deliverable items weigh 100% in all and advance in the
    policy's steps; their weighted progress is the work done a cancellation
    charges. The rounds of adjustments the proposal includes are free, the
    next ones billed; objective breaches are recorded against it.
    """

    # One file per concern (STYLE.md, "Layout"), not one class of 2,000 lines.
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited

    amount_total = fields.Monetary(
        string="Project price",
        tracking=True,
        help="Projects: the full price, IVA included, of which the deposit is "
        "paid up front and the balance at delivery.",
    )
    amount_deposit = fields.Monetary(
        string="Non-refundable deposit",
        compute="_compute_amount_deposit",
        store=True,
        help="Projects: the share of the price the policy never refunds.",
    )
    project_item_ids = fields.One2many(
        "support.project.item", "contract_id", string="Deliverable items"
    )
    project_progress = fields.Float(
        string="Progress (%)",
        compute="_compute_project_progress",
        store=True,
        help="Projects: the items' progress weighted by their weights.",
    )
    revision_ids = fields.One2many(
        "support.revision", "contract_id", string="Revision rounds"
    )
    revision_count = fields.Integer(
        string="Rounds used", compute="_compute_revision_count"
    )
    revision_extra_count = fields.Integer(
        string="Extra rounds billed", compute="_compute_revision_count"
    )
    revision_rounds_included = fields.Integer(
        related="policy_version_id.revision_rounds_included",
        string="Rounds included",
    )
    breach_ids = fields.One2many("support.breach", "contract_id", string="Breaches")
    breach_count = fields.Integer(compute="_compute_breach_count")

    @api.depends("kind", "amount_total", "policy_version_id.deposit_percent")
    def _compute_amount_deposit(self):
        for contract in self:
            if contract.kind == "project":
                contract.amount_deposit = contract.currency_id.round(
                    contract.amount_total
                    * contract.policy_version_id.deposit_percent
                    / 100.0
                )
            else:
                contract.amount_deposit = 0.0

    @api.depends("project_item_ids.weight", "project_item_ids.progress")
    def _compute_project_progress(self):
        for contract in self:
            contract.project_progress = sum(
                item.weight * item.progress / 100.0
                for item in contract.project_item_ids
            )

    @api.depends("revision_ids.is_extra")
    def _compute_revision_count(self):
        for contract in self:
            contract.revision_count = len(contract.revision_ids)
            contract.revision_extra_count = len(
                contract.revision_ids.filtered("is_extra")
            )

    @api.depends("breach_ids")
    def _compute_breach_count(self):
        for contract in self:
            contract.breach_count = len(contract.breach_ids)

    def action_view_revisions(self):
        """List the revision rounds of this project."""
        return self._action_view_related("asesorateya_support.support_revision_action")

    def action_new_revision(self):
        """Open the form of the next revision round of this project."""
        self.ensure_one()
        self._check_takes_revisions()
        return self._action_new_related("support.revision", _("Revision round"))

    def action_view_breaches(self):
        """List the objective breaches recorded on this project."""
        return self._action_view_related("asesorateya_support.support_breach_action")

    def action_new_breach(self):
        """Open the form of a new objective breach of this project."""
        return self._action_new_related("support.breach", _("Objective breach"))

    # ------------------------------------------------------------------
    # Deliverable items (agency policy §4.3)
    # ------------------------------------------------------------------
    def _check_items_editable(self, action, before_start_only=False):
        """Items of a closed project, or their weights once work began, are kept."""
        for contract in self:
            closed = contract.state in CLOSED_STATES
            if closed or (before_start_only and contract.date_start):
                raise UserError(
                    _(
                        "%(action)s is not possible on %(contract)s once %(when)s.",
                        action=action,
                        contract=contract.name,
                        when=_("it is closed") if closed else _("work has started"),
                    )
                )

    def _check_project_items(self):
        """A project's items must weigh 100% in all before work starts."""
        for contract in self.filtered(lambda c: c.kind == "project"):
            if not contract.project_item_ids:
                raise UserError(
                    _(
                        "%(contract)s has no deliverable items: list them with "
                        "their weights before the work starts.",
                        contract=contract.name,
                    )
                )
            total = sum(contract.project_item_ids.mapped("weight"))
            if (
                contract.currency_id.compare_amounts(total, 100.0)
                and abs(total - 100.0) > 1e-6
            ):
                raise UserError(
                    _(
                        "The weights of the items of %(contract)s add up to "
                        "%(total)s%%, not 100%%.",
                        contract=contract.name,
                        total=total,
                    )
                )

    # ------------------------------------------------------------------
    # Revision rounds (agency policy §5.3)
    # ------------------------------------------------------------------
    def _check_takes_revisions(self):
        """Only a running project takes revision rounds."""
        self.ensure_one()
        if self.kind != "project":
            raise UserError(_("Only a project has revision rounds."))
        self._check_state(REVISION_STATES, _("Recording a revision round"))

    def _prepare_revision_values(self, number):
        """Values of the ``number``-th revision round of this project.

        A round beyond those the policy version includes is billed: its sale
        line is made here.
        """
        self.ensure_one()
        version = self._get_policy_version()
        values = {"number": number, "is_extra": False, "price": 0.0}
        if number > version.revision_rounds_included:
            line = self._create_extra_revision_line(number, version)
            values.update(
                is_extra=True,
                price=version.revision_round_price,
                sale_line_id=line.id,
            )
        return values

    def _get_revision_sale_order(self):
        """The order an extra round is billed on.

        The project's order while it takes new lines (a confirmed order does),
        else the quotation of an earlier extra round still in draft, else a
        new quotation for the client.
        """
        self.ensure_one()
        order = self.sudo().sale_order_id
        if order and order.state != "cancel" and not order.locked:
            return order
        earlier = (
            self.sudo()
            .revision_ids.sale_line_id.order_id.filtered(
                lambda o: o.state in ("draft", "sent")
            )
            .sorted("id")[-1:]
        )
        if earlier:
            return earlier
        return (
            self.env["sale.order"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "origin": self.name,
                }
            )
        )

    def _create_extra_revision_line(self, number, version):
        """Bill the ``number``-th revision round at the version's price.

        The price includes IVA: the line takes the taxes of the project's
        sale line, else the company's default sale tax, and a unit price that
        gives that total whether the taxes are included in it or not.

        :return: the new ``sale.order.line``
        """
        self.ensure_one()
        company = self.company_id
        product = self.env.ref(EXTRA_ROUND_PRODUCT_XMLID).sudo()
        order = self._get_revision_sale_order()
        taxes = self.sudo().sale_line_id.tax_id or company.sudo().account_sale_tax_id
        taxes = order.fiscal_position_id.map_tax(taxes)
        price = self.currency_id._convert(
            version.revision_round_price,
            order.currency_id,
            company,
            company._support_today(),
        )
        return (
            self.env["sale.order.line"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "order_id": order.id,
                    "product_id": product.id,
                    "name": _(
                        "Extra revision round %(number)s of %(project)s "
                        "(agency policy §5.3)",
                        number=number,
                        project=self.name,
                    ),
                    "product_uom_qty": 1.0,
                    "price_unit": self._get_price_unit_for_total(
                        price, taxes, order.currency_id
                    ),
                    "tax_id": [Command.set(taxes.ids)],
                }
            )
        )
