# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

#: The service product of the lines that spend a client credit.
CREDIT_PRODUCT_XMLID = "asesorateya_support.product_product_client_credit"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    support_scope = fields.Text(
        string="Validated scope",
        help="The scope validated with the client. Required to sell an hour "
        "bag (policy §2): it is copied to the bag's contract.",
    )
    support_contract_ids = fields.One2many(
        "support.contract", "sale_order_id", string="Support contracts"
    )
    support_contract_count = fields.Integer(compute="_compute_support_contract_count")
    has_support_plan = fields.Boolean(compute="_compute_has_support_plan")
    support_credit_usage_ids = fields.One2many(
        "support.credit.usage", "sale_order_id", string="Client credits used"
    )
    support_credit_count = fields.Integer(
        string="Available credits",
        compute="_compute_support_credit",
        help="Credits of the client that can still be applied to this order.",
    )
    support_credit_amount = fields.Monetary(
        string="Available credit",
        compute="_compute_support_credit",
        help="What is left of the credits that can still be applied, IVA included.",
    )

    @api.depends("support_contract_ids")
    def _compute_support_contract_count(self):
        for order in self:
            order.support_contract_count = len(order.support_contract_ids)

    @api.depends("order_line.product_id")
    def _compute_has_support_plan(self):
        plans = self.env["support.plan"].search(
            [("product_id", "in", self.order_line.product_id.ids)]
        )
        for order in self:
            order.has_support_plan = bool(
                order.order_line.product_id & plans.product_id
            )

    @api.depends(
        "partner_id",
        "company_id",
        "currency_id",
        "date_order",
        "state",
        "support_credit_usage_ids.state",
    )
    def _compute_support_credit(self):
        for order in self:
            available = order._get_applicable_support_credits()
            order.support_credit_count = len(available)
            order.support_credit_amount = sum(available.mapped("amount_remaining"))

    def copy_data(self, default=None):
        # A copy is a new sale: its credits are applied anew, with their
        # balance of the day.
        default = dict(default or {})
        if "order_line" not in default:
            default["order_line"] = [
                Command.create(line.copy_data()[0])
                for line in self.order_line.filtered(
                    lambda line: (
                        not line.is_downpayment and not line._is_support_credit_line()
                    )
                )
            ]
        return super().copy_data(default)

    def unlink(self):
        for order in self:
            order.support_credit_usage_ids._release(
                _("the order %(order)s was deleted.", order=order.name)
            )
        # Deleting the order cascades to its lines and nulls the uses' links
        # twice in one statement, and PostgreSQL then re-checks a use's link
        # to a line already gone: detach the uses (the trail keeps the order's
        # number) before the order goes.
        usages = self.sudo().support_credit_usage_ids
        if usages:
            usages.write({"sale_order_id": False, "sale_line_id": False})
            usages.flush_recordset()
        return super().unlink()

    def action_confirm(self):
        self._check_support_credit_lines()
        return super().action_confirm()

    def _action_confirm(self):
        result = super()._action_confirm()
        self.order_line._support_create_contracts()
        return result

    def _action_cancel(self):
        for order in self:
            order.support_credit_usage_ids._release(
                _("the order %(order)s was cancelled.", order=order.name)
            )
        return super()._action_cancel()

    def action_draft(self):
        """Back to a quotation, without the credit lines a cancellation released.

        Their credits may have been spent elsewhere since: the lines go, and
        the credits are applied again through the button, with their balance
        of today.
        """
        cancelled = self.filtered(lambda order: order.state == "cancel")
        result = super().action_draft()
        for order in cancelled:
            dead = order.order_line.filtered(
                lambda line: (
                    line._is_support_credit_line()
                    and not line._get_active_support_credit_usages()
                )
            )
            if dead:
                dead.unlink()
                order.message_post(
                    body=_(
                        "The client credits released when the order was "
                        "cancelled were removed from it: apply the credits "
                        "again if they are still available."
                    )
                )
        return result

    def _get_update_prices_lines(self):
        # A credit line is worth what the credit gave, never the pricelist's.
        lines = super()._get_update_prices_lines()
        return lines.filtered(lambda line: not line._is_support_credit_line())

    def action_apply_support_credits(self):
        """Spend the client's available credits on this quotation.

        Oldest expiry first, each credit gives one line priced at minus what
        it covers, up to what is left of the order total; a credit already
        applied to the order is not applied again.
        """
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        usages = self._apply_support_credits()
        # Built apart: Odoo's term extractor cannot read f-strings in _() calls.
        credits = ", ".join(
            f"{usage.credit_id.name} ({usage.credit_id._money(usage.amount)})"
            for usage in usages
        )
        self.message_post(
            body=_("Client credits applied: %(credits)s.", credits=credits)
        )
        return True

    def action_view_support_contracts(self):
        """Open the support contracts this order gave."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "asesorateya_support.support_contract_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.support_contract_count == 1:
            action.update(
                view_mode="form",
                views=[(False, "form")],
                res_id=self.support_contract_ids.id,
            )
        action["name"] = _("Support contracts")
        return action

    # ------------------------------------------------------------------
    # Client credits (support policy §5, §10)
    # ------------------------------------------------------------------
    def _get_support_credit_date(self):
        """The day a credit must still be valid on to be spent on this order:
        the order's date, or today if that is later (never after expiry)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if not self.date_order:
            return today
        return max(today, fields.Date.context_today(self, self.date_order))

    def _get_applicable_support_credits(self):
        """The client's credits that can still be applied to this order.

        :return: ``support.credit`` records (as the superuser), oldest expiry
            first
        """
        self.ensure_one()
        Credit = self.env["support.credit"].sudo()
        company = self.company_id
        if (
            not self.partner_id
            or not company
            or self.currency_id != company.currency_id
            or self.state not in ("draft", "sent")
        ):
            return Credit
        available = Credit.search(
            Credit._get_applicable_domain(
                self.partner_id, company, self._get_support_credit_date()
            )
        )
        applied = self._origin.sudo().support_credit_usage_ids.filtered(
            lambda usage: usage.state == "active"
        )
        return (available - applied.credit_id).sorted(
            lambda credit: (credit.date_expiry, credit.id)
        )

    def _get_support_credit_taxes(self):
        """The taxes of the credit lines: the first support plan line's, or the
        company's default sales tax mapped by the fiscal position.

        They must be included in the price, so that the line's total is the
        credit spent.
        """
        self.ensure_one()
        plans = (
            self.env["support.plan"]
            .sudo()
            .search([("product_id", "in", self.order_line.product_id.ids)])
        )
        plan_lines = self.order_line.filtered(
            lambda line: line.product_id and line.product_id in plans.product_id
        )
        if plan_lines:
            taxes = plan_lines[0].tax_id
        else:
            taxes = self.fiscal_position_id.map_tax(self.company_id.account_sale_tax_id)
        if any(not tax.price_include for tax in taxes):
            raise UserError(
                _(
                    "The taxes of %(order)s (%(taxes)s) are not included in the "
                    "price: a client credit cannot be applied to it.",
                    order=self.name,
                    taxes=", ".join(taxes.mapped("name")),
                )
            )
        return taxes

    def _apply_support_credits(self):
        """Add one line per credit spent, and the credit's use.

        The credits are locked before their balance is read (see
        ``support.credit._lock``): two orders spending one credit at once
        never both get it.

        :return: the ``support.credit.usage`` records created
        :raise UserError: on an order that is not a quotation, in another
            currency, already at zero, or when no credit applies
        """
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            raise UserError(
                _(
                    "Client credits are applied to quotations; %(order)s is "
                    "confirmed or cancelled.",
                    order=self.name,
                )
            )
        currency = self.currency_id
        if currency != self.company_id.currency_id:
            raise UserError(
                _(
                    "Client credits are in %(currency)s: %(order)s must be in "
                    "that currency to use them.",
                    currency=self.company_id.currency_id.name,
                    order=self.name,
                )
            )
        date = self._get_support_credit_date()
        available = self._get_applicable_support_credits()
        if not available:
            raise UserError(
                _(
                    "%(client)s has no client credit to apply to %(order)s: "
                    "none is available and valid on %(date)s, or they are "
                    "already applied to it.",
                    client=self.partner_id.commercial_partner_id.display_name,
                    order=self.name,
                    date=format_date(self.env, date),
                )
            )
        left = self.amount_total
        if currency.compare_amounts(left, 0.0) <= 0:
            raise UserError(
                _(
                    "The total of %(order)s is already zero: there is nothing "
                    "left to pay with a client credit.",
                    order=self.name,
                )
            )
        available._lock()
        taxes = self._get_support_credit_taxes()
        product = self.env.ref(CREDIT_PRODUCT_XMLID)
        sequence = max(self.order_line.mapped("sequence"), default=10) + 1
        Usage = self.env["support.credit.usage"].sudo()
        usages = Usage
        for credit in available:
            # The balance as read under the lock.
            remaining = credit.amount_remaining
            if (
                credit.state != "available"
                or credit.date_expiry < date
                or currency.compare_amounts(remaining, 0.0) <= 0
            ):
                continue
            if currency.compare_amounts(left, 0.0) <= 0:
                break
            amount = currency.round(min(remaining, left))
            line = self.env["sale.order.line"].create(
                self._prepare_support_credit_line_values(
                    credit, amount, taxes, product, sequence
                )
            )
            if currency.compare_amounts(line.price_total, -amount):
                raise UserError(
                    _(
                        "The credit line of %(credit)s totals %(total)s instead "
                        "of %(amount)s: check the taxes of %(order)s.",
                        credit=credit.name,
                        total=credit._money(line.price_total),
                        amount=credit._money(-amount),
                        order=self.name,
                    )
                )
            usages |= Usage.create(
                {
                    "credit_id": credit.id,
                    "sale_order_id": self.id,
                    "sale_line_id": line.id,
                    "order_reference": self.name,
                    "amount": amount,
                    "date": date,
                }
            )
            credit.sudo().message_post(
                body=_(
                    "%(amount)s used on %(order)s.",
                    amount=credit._money(amount),
                    order=self.name,
                )
            )
            left -= amount
            sequence += 1
        if not usages:
            raise UserError(
                _(
                    "No client credit could be applied to %(order)s: their "
                    "balance was spent meanwhile.",
                    order=self.name,
                )
            )
        usages.credit_id._update_state()
        return usages

    def _prepare_support_credit_line_values(
        self, credit, amount, taxes, product, sequence
    ):
        """Values of the line spending ``amount`` of ``credit``.

        Priced at ``-amount`` with price-included taxes, so that the line's
        total is exactly minus the credit spent.
        """
        self.ensure_one()
        return {
            "order_id": self.id,
            "product_id": product.id,
            "name": _(
                "Client credit %(credit)s (valid until %(date)s)",
                credit=credit.name,
                date=format_date(self.env, credit.date_expiry),
            ),
            "product_uom_qty": 1.0,
            "product_uom": product.uom_id.id,
            "price_unit": -amount,
            "discount": 0.0,
            "tax_id": [Command.set(taxes.ids)],
            "sequence": sequence,
        }

    def _check_support_credit_lines(self):
        """An order is confirmed with credit lines that count, and a total of
        zero or more."""
        for order in self:
            lines = order.order_line.filtered(
                lambda line: line._is_support_credit_line()
            )
            if not lines:
                continue
            if any(not line._get_active_support_credit_usages() for line in lines):
                raise UserError(
                    _(
                        "%(order)s has a client credit line that no credit "
                        "backs: remove it and apply the credits with the "
                        "button.",
                        order=order.name,
                    )
                )
            if order.currency_id.compare_amounts(order.amount_total, 0.0) < 0:
                raise UserError(
                    _(
                        "The client credits exceed the total of %(order)s: "
                        "remove the credit lines and apply the credits again.",
                        order=order.name,
                    )
                )
