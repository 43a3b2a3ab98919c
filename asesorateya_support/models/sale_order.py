# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import formataddr

from ..const import CREDIT_PRODUCT_XMLID, CREDIT_SCOPE_KINDS, PROPOSAL_ONLY_KINDS
from ..formatting import format_day, format_money


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
    support_origin_contract_id = fields.Many2one(
        "support.contract",
        string="Additional bag for",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The hour bag whose client asked for this additional bag from "
        "the portal, on the same validated scope (policy §6).",
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

    def _get_invoiceable_lines(self, final=False):
        # A client credit line is never invoiced (README "Books"): its credit
        # note pays the invoice. Filtered here too, as the shop's checkout
        # forces every line's quantity to invoice
        # (``_force_lines_to_invoice_policy_order``).
        lines = super()._get_invoiceable_lines(final=final)
        return lines.filtered(lambda line: not line._is_support_credit_line())

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
            f"{usage.credit_id.name} "
            f"({format_money(self.env, usage.amount, usage.currency_id)})"
            for usage in usages
        )
        self.message_post(
            body=_("Client credits applied: %(credits)s.", credits=credits),
            **self._get_support_note_author(),
        )
        return True

    def _get_support_note_author(self):
        """``message_post`` arguments of a note the user posts: the user
        signs it, and when the user has no email of their own (a salesman
        without one could not apply a credit: "configure the sender's
        email"), the company's support email, else its email, sends it.

        :return: a dict, empty when Odoo's own author will do
        """
        user = self.env.user
        company = self.company_id or self.env.company
        email = company.support_contact_email or company.email
        if user.email or not email:
            return {}
        return {
            "author_id": user.partner_id.id,
            "email_from": formataddr((company.name, email)),
        }

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
    # Web shop (support policy §2, §8)
    # ------------------------------------------------------------------
    def _cart_update(self, product_id, line_id=None, add_qty=0, set_qty=0, **kwargs):
        # An hour bag never enters a cart: it is sold with its validated scope
        # through the proposal (§2), whatever URL or product id is posted.
        product = self.env["product.product"].browse(int(product_id or 0))
        if (
            product
            and self._is_support_proposal_only(product)
            and _is_cart_addition(add_qty, set_qty)
        ):
            message = self._get_support_proposal_only_message(product)
            self.shop_warning = message
            return {
                "line_id": False,
                "quantity": 0,
                "option_ids": [],
                "warning": message,
            }
        return super()._cart_update(
            product_id, line_id=line_id, add_qty=add_qty, set_qty=set_qty, **kwargs
        )

    def _is_cart_ready(self):
        return super()._is_cart_ready() and not self._get_support_proposal_only_lines()

    def _check_cart_is_ready_to_be_paid(self):
        self._check_support_shop_lines()
        # Credits spent on the cart must still fit in it (the client may have
        # removed a service since).
        self._check_support_credit_lines()
        return super()._check_cart_is_ready_to_be_paid()

    @api.model
    def _is_support_proposal_only(self, product):
        """Whether ``product`` is sold only through a proposal (an hour bag).

        :param product: a ``product.product`` record
        """
        return bool(
            self.env["support.plan"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("product_id", "=", product.id),
                    ("kind", "in", PROPOSAL_ONLY_KINDS),
                ],
                limit=1,
            )
        )

    def _get_support_proposal_only_lines(self):
        """The lines of a website cart that only a proposal may sell.

        :return: ``sale.order.line`` records; always empty for an order that
            is not a website cart (a proposal is a quotation of the back office)
        """
        self.ensure_one()
        lines = self.order_line.filtered("product_id")
        if not self.website_id or not lines:
            return self.env["sale.order.line"]
        plans = (
            self.env["support.plan"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("product_id", "in", lines.product_id.ids),
                    ("kind", "in", PROPOSAL_ONLY_KINDS),
                ]
            )
        )
        return lines.filtered(lambda line: line.product_id in plans.product_id)

    def _get_support_proposal_only_message(self, product):
        """Why ``product`` cannot be bought from the shop, and where to start.

        Plain text (a cart notification shows it as is); the cart page links
        the diagnosis it names (``_get_shop_warning``).
        """
        self.ensure_one()
        company = self.company_id or self.env.company
        message = _(
            "%(product)s is not sold from the shop: an hour bag is bought through "
            "the proposal %(company)s sends you once the scope of the work is "
            "validated, usually after a Support Diagnosis (policy §2).",
            product=_shop_name(product),
            company=company.name,
        )
        diagnosis = self.env["support.plan"]._get_shop_diagnosis(company)
        if diagnosis:
            message = f"{message} {self._support_start_with(diagnosis)}"
        return message

    def _support_start_with(self, diagnosis, link=False):
        """The sentence of a refused hour bag's message that names the
        diagnosis to start with; with ``link``, as HTML linking its page."""
        name = _shop_name(diagnosis.product_id)
        if not link:
            return _("Start with the diagnosis: %(diagnosis)s.", diagnosis=name)
        anchor = Markup('<a class="alert-link" href="%s">%s</a>') % (
            diagnosis.product_id.website_url,
            name,
        )
        return escape(_("Start with the diagnosis: %(diagnosis)s.")) % {
            "diagnosis": anchor
        }

    def _get_shop_warning(self, clear=True):
        # The cart page shows the warning of a refused hour bag with the
        # diagnosis it names as a link to its page, not as bare text.
        warning = super()._get_shop_warning(clear=clear)
        company = self.company_id or self.env.company
        diagnosis = warning and self.env["support.plan"]._get_shop_diagnosis(company)
        if not diagnosis:
            return warning
        sentence = self._support_start_with(diagnosis)
        if not warning.endswith(sentence):
            return warning
        return escape(warning[: -len(sentence)]) + self._support_start_with(
            diagnosis, link=True
        )

    def _check_support_shop_lines(self):
        """Refuse to pay or confirm a website cart holding an hour bag.

        :raise ValidationError: naming the bag and pointing to the diagnosis
        """
        for order in self:
            lines = order._get_support_proposal_only_lines()
            if lines:
                raise ValidationError(
                    order._get_support_proposal_only_message(lines[0].product_id)
                )

    def _check_support_payable(self):
        """Refuse a payment that could not confirm the order it pays.

        A website cart holding an hour bag is never paid (§2), nor a proposal
        of an hour bag whose validated scope is not written yet: its contract
        needs the scope, so the order could not be confirmed once paid.

        :raise ValidationError: naming what is missing
        """
        self._check_support_shop_lines()
        for order in self.filtered(lambda o: not (o.support_scope or "").strip()):
            bags = (
                self.env["support.plan"]
                .sudo()
                .with_context(active_test=False)
                .search_count(
                    [
                        ("product_id", "in", order.order_line.product_id.ids),
                        ("kind", "=", "hour_bag"),
                    ],
                    limit=1,
                )
            )
            if bags:
                raise ValidationError(
                    _(
                        "%(order)s sells an hour bag without its validated "
                        "scope: it can be paid once %(company)s has written the "
                        "scope agreed with you (policy §2).",
                        order=order.name,
                        company=order.company_id.name,
                    )
                )

    def _apply_support_credits_in_cart(self, user):
        """Spend ``user``'s client credits on this website cart.

        Only the cart of ``user``'s own commercial partner, still a draft:
        the credits are those of the cart's client (``_apply_support_credits``).

        :param user: the ``res.users`` logged in on the website
        :return: the active ``support.credit.usage`` records of the cart
        :raise AccessError: for a cart of another client or a public user
        :raise UserError: for a cart that is not a draft, or no credit applies
        """
        self.ensure_one()
        partner = user.partner_id.commercial_partner_id
        if (
            user._is_public()
            or not self.website_id
            or self.partner_id.commercial_partner_id != partner
        ):
            raise AccessError(_("Client credits apply only to your own cart."))
        if self.state != "draft":
            raise UserError(
                _("Client credits apply to a cart that is not confirmed yet.")
            )
        order = self.sudo()
        applied = order.support_credit_usage_ids.filtered(
            lambda usage: usage.state == "active"
        )
        try:
            with self.env.cr.savepoint():
                order.action_apply_support_credits()
        except UserError:
            # The button pressed again (or in two tabs): the credits are on
            # the cart already, which is no error to warn about.
            if applied:
                return applied
            raise
        return order.support_credit_usage_ids.filtered(
            lambda usage: usage.state == "active"
        )

    # ------------------------------------------------------------------
    # Client credits (support policy §5, §10)
    # ------------------------------------------------------------------
    def _get_support_credit_date(self):
        """The day a credit must still be valid on to be spent on this order:
        the order's date, or today if that is later (never after expiry)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        today = company._support_today()
        if not self.date_order:
            return today
        return max(today, company._support_date_of(self.date_order))

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
        # Spent only on the services their origin allows (issue 13, item 6).
        bases = self._get_support_credit_bases()
        return (
            (available - applied.credit_id)
            .filtered(lambda credit: bases.get(credit.origin, 0.0) > 0)
            .sorted(
                lambda credit: (
                    credit.date_expiry or fields.Date.to_date("9999-12-31"),
                    credit.id,
                )
            )
        )

    def _get_support_credit_bases(self):
        """What a credit of each origin may pay on this order: the total of
        the lines of support plans of the kinds it is spent on
        (``CREDIT_SCOPE_KINDS``; support policy §5, §10), never other
        products of the company. One query for the plans.

        :return: dict origin -> amount, IVA included
        """
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: line.product_id and not line._is_support_credit_line()
        )
        plans = (
            self.env["support.plan"]
            .sudo()
            .search([("product_id", "in", lines.product_id.ids)])
        )
        kinds_of = {}
        for plan in plans:
            kinds_of.setdefault(plan.product_id, set()).add(plan.kind)
        return {
            origin: sum(
                line.price_total
                for line in lines
                if kinds_of.get(line.product_id, set()) & set(kinds)
            )
            for origin, kinds in CREDIT_SCOPE_KINDS.items()
        }

    def _get_support_credit_taxes(self):
        """The taxes of the credit lines: the first support plan line's, or the
        company's default sales tax mapped by the fiscal position.

        The credit is worth its amount IVA included whatever they are: the
        line's price is the one whose total is the credit spent
        (``_support_credit_line_values``).
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
        date, available = self._get_support_credits_to_apply()
        currency = self.currency_id
        left = self.amount_total
        # A credit pays only the lines of the services it is for; what the
        # credits of the order already pay comes off each base first (issue
        # 13, item 6: never more than those lines, whatever the mix).
        bases = self._get_support_credit_bases()
        spent = sum(
            usage.amount
            for usage in self.sudo().support_credit_usage_ids
            if usage.state == "active"
        )
        available._lock()
        taxes = self._get_support_credit_taxes()
        product = self.env.ref(CREDIT_PRODUCT_XMLID)
        sequence = max(self.order_line.mapped("sequence"), default=10) + 1
        usages = self.env["support.credit.usage"].sudo()
        for credit in available:
            # The balance as read under the lock.
            remaining = credit.amount_remaining
            allowed = min(left, bases.get(credit.origin, 0.0) - spent)
            if (
                credit.state != "available"
                or (credit.date_expiry and credit.date_expiry < date)
                or currency.compare_amounts(remaining, 0.0) <= 0
                or currency.compare_amounts(allowed, 0.0) <= 0
            ):
                continue
            amount = currency.round(min(remaining, allowed))
            usages |= self._spend_support_credit(
                credit, amount, date, taxes, product, sequence
            )
            left -= amount
            spent += amount
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

    def _get_support_credits_to_apply(self):
        """The client's credits this quotation can spend, before any is locked.

        :return: ``(date, credits)``: the day the credits must be valid on
            (``_get_support_credit_date``) and the ``support.credit`` records,
            oldest expiry first
        :raise UserError: on an order that is not a quotation, in another
            currency than the credits', already at zero, or when no credit
            applies
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
        if self.currency_id != self.company_id.currency_id:
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
                    date=format_day(self.env, date),
                )
            )
        if self.currency_id.compare_amounts(self.amount_total, 0.0) <= 0:
            raise UserError(
                _(
                    "The total of %(order)s is already zero: there is nothing "
                    "left to pay with a client credit.",
                    order=self.name,
                )
            )
        return date, available

    def _spend_support_credit(self, credit, amount, date, taxes, product, sequence):
        """Spend ``amount`` of ``credit`` on this order: a line priced at
        minus the amount, the credit's use, and a note on the credit.

        :return: the ``support.credit.usage`` created
        :raise UserError: when the line's total is not minus the amount (its
            taxes are not included in the price)
        """
        self.ensure_one()
        currency = self.currency_id
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
                    total=format_money(self.env, line.price_total, currency),
                    amount=format_money(self.env, -amount, currency),
                    order=self.name,
                )
            )
        usage = (
            self.env["support.credit.usage"]
            .sudo()
            .create(
                {
                    "credit_id": credit.id,
                    "sale_order_id": self.id,
                    "sale_line_id": line.id,
                    "order_reference": self.name,
                    "amount": amount,
                    "date": date,
                }
            )
        )
        credit.sudo().message_post(
            body=_(
                "%(amount)s used on %(order)s.",
                amount=format_money(self.env, amount, currency),
                order=self.name,
            ),
            **self._get_support_note_author(),
        )
        return usage

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
            "name": (
                _(
                    "Client credit %(credit)s (valid until %(date)s)",
                    credit=credit.name,
                    date=format_day(self.env, credit.date_expiry),
                )
                if credit.date_expiry
                else _("Client credit %(credit)s (no expiry)", credit=credit.name)
            ),
            "product_uom_qty": 1.0,
            "product_uom": product.uom_id.id,
            # IVA included in the credit, whether or not the tax is.
            "price_unit": -self.env["support.contract"]._get_price_unit_for_total(
                amount, taxes, self.currency_id
            ),
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


def _is_cart_addition(add_qty, set_qty):
    """Whether a cart update puts units of a product in the cart.

    Odoo's cart reads unreadable quantities as one unit: so does this.
    """
    try:
        quantity = float(set_qty or 0) or float(add_qty or 0)
    except (TypeError, ValueError):
        return True
    return quantity > 0


def _shop_name(product):
    """A product's name as the shop shows it, without its internal reference
    (``[SOP-BOLSA10]``)."""
    return product.with_context(display_default_code=False).display_name
