# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.website_sale.controllers.main import WebsiteSale


def _not_found(exception):
    """A product a visitor may not see (unpublished, an hour bag) is not
    found, rather than forbidden: its page does not exist for them."""
    raise request.not_found() from exception


class SupportWebsiteSale(WebsiteSale):
    @http.route(handle_params_access_error=_not_found)
    def product(self, product, category="", search="", **kwargs):
        return super().product(product, category=category, search=search, **kwargs)

    @http.route(handle_params_access_error=_not_found)
    def old_product(self, product, category="", search="", **kwargs):
        return super().old_product(product, category=category, search=search, **kwargs)

    def checkout_redirection(self, order):
        # Every checkout step (/shop/checkout, /shop/confirm_order,
        # /shop/payment) sends a cart holding an hour bag back to the cart,
        # which says why (policy §2).
        redirection = super().checkout_redirection(order)
        if redirection:
            return redirection
        lines = order._get_support_proposal_only_lines()
        if lines:
            order.shop_warning = order._get_support_proposal_only_message(
                lines[0].product_id
            )
            return request.redirect("/shop/cart")
        return None

    @http.route(
        "/shop/support_credits/apply",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def shop_apply_support_credits(self, **post):
        """Spend the logged-in client's credits on the current cart."""
        order = request.website.sale_get_order()
        if not order:
            return request.redirect("/shop/cart")
        try:
            with request.env.cr.savepoint():
                order._apply_support_credits_in_cart(request.env.user)
        except (AccessError, UserError) as error:
            order.shop_warning = error.args[0]
        return request.redirect("/shop/payment")
