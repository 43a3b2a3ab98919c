# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.http_routing.models.ir_http import unslug
from odoo.addons.website_sale.controllers.main import WebsiteSale


def _not_found(exception):
    """A product a visitor may not see (unpublished, an hour bag) is not
    found, rather than forbidden: its page does not exist for them.

    An hour bag of the website's company is not found either, but its page
    says why and where to start instead (policy §2): a bag is bought through
    the proposal that follows a diagnosis.
    """
    _name, template_id = unslug(request.httprequest.path.rstrip("/").split("/")[-1])
    product = request.env["product.template"].sudo().browse(template_id or 0).exists()
    company = request.env["website"].get_current_website().company_id
    if (
        product
        and product.company_id in (company, request.env["res.company"])
        and product._is_support_proposal_only()
    ):
        # The route's own set-up has not run yet (the record is checked
        # first): the minimal one Odoo's error pages make (http_routing's
        # ir.http._handle_error) gives the page its website and language.
        request.env["ir.http"]._frontend_pre_dispatch()
        diagnosis = request.env["support.plan"]._get_shop_diagnosis(company)
        html = request.env["ir.ui.view"]._render_template(
            "asesorateya_support.shop_support_proposal_only",
            {"product": product, "diagnosis": diagnosis, "company": company},
        )
        return request.make_response(
            html, headers=[("Content-Type", "text/html; charset=utf-8")], status=404
        )
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

    @http.route(
        ["/support/policy", "/support/policy/<int:policy_id>"],
        type="http",
        auth="public",
        website=True,
        sitemap=True,
    )
    def support_policy(self, policy_id=None, **kwargs):
        """The cancellation and refund policy in force, as clients accept it
        when they buy (policy §10): the website company's default, or the one
        a plan names. Only the company's own or shared policies are shown."""
        company = request.website.company_id
        Policy = request.env["support.policy"].sudo()
        if policy_id:
            policy = Policy.browse(policy_id).exists()
        else:
            policy = company.sudo()._get_support_policy()
        if (
            not policy
            or not policy.active
            or policy.company_id
            not in (
                company,
                request.env["res.company"],
            )
        ):
            raise request.not_found()
        version = policy._version_at(company._support_today())
        if not version:
            raise request.not_found()
        return request.render(
            "asesorateya_support.support_policy_page",
            {"policy": policy, "version": version, "company": company},
        )
