# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from odoo.addons.http_routing.models.ir_http import slug

from .common import SupportCommon

POLICY_V1 = "asesorateya_support.support_policy_support_v1"
#: A 1x1 PNG, the smallest signature the portal takes.
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8"
    "AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestSupportShop(HttpCase, SupportCommon):
    """Buying in the web shop and paying online (policy §2, §8, §10).

    The test company sells through a website of its own, found by the test
    server's address, and takes payments with payment_demo.
    """

    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].create(
            {
                "name": "AsesórateYa Test Shop",
                "company_id": cls.company.id,
                "domain": cls.base_url(),
                "show_line_subtotals_tax_selection": "tax_included",
            }
        )
        cls.pricelist.write(
            {"website_id": cls.website.id, "selectable": True, "sequence": 1}
        )
        for plan in (cls.plan_diagnosis, cls.plan_incident, cls.plan_monthly):
            plan.product_id.is_published = True
        cls.plan_bag.product_id.is_published = False
        cls.method_demo = cls.env.ref("payment_demo.payment_method_demo")
        cls.provider = (
            cls.env.ref("payment.payment_provider_demo")
            .sudo()
            .copy({"company_id": cls.company.id})
        )
        cls.provider.write(
            {
                "state": "test",
                "is_published": True,
                "payment_method_ids": [Command.set(cls.method_demo.ids)],
            }
        )
        cls.contact_a.write(
            {
                "street": "Av. Apoquindo 3000",
                "city": "Santiago",
                "zip": "7550000",
                "country_id": cls.env.ref("base.cl").id,
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _cart(self, *lines, user=None):
        """A website cart of ``user`` (portal A) filled as the shop does."""
        user = user or self.user_portal_a
        order = self.env["sale.order"].create(
            {
                "partner_id": user.partner_id.id,
                "website_id": self.website.id,
                "pricelist_id": self.pricelist.id,
            }
        )
        cart = order.with_user(user).sudo()
        for plan, quantity in lines:
            cart._cart_update(product_id=plan.product_id.id, add_qty=quantity)
        return order

    def _pay(self, order, notify=True):
        """A demo transaction of the whole ``order``, done and post-processed."""
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.method_demo.id,
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_invoice_id.id,
                    "operation": "online_direct",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
        )
        if notify:
            self._notify_done(tx)
            tx._finalize_post_processing()
        return tx

    def _notify_done(self, tx):
        """The provider's notification that ``tx`` is paid."""
        self.env["payment.transaction"].sudo()._handle_notification_data(
            "demo",
            {
                "reference": tx.reference,
                "payment_details": "4242",
                "simulated_state": "done",
            },
        )

    def _csrf(self):
        return http.Request.csrf_token(self)

    def _cart_of(self, partner):
        return self.env["sale.order"].search(
            [
                ("website_id", "=", self.website.id),
                ("partner_id", "=", partner.id),
                ("state", "=", "draft"),
            ]
        )

    # ------------------------------------------------------------------
    # Catalogue
    # ------------------------------------------------------------------
    def test_shop_lists_the_published_services_iva_included(self):
        page = self.url_open("/shop?search=Odoo")
        self.assertEqual(page.status_code, 200)
        for name in ("Odoo Diagnosis", "Odoo Incident", "Odoo Monthly 8 h"):
            self.assertIn(name, page.text)
        self.assertNotIn("Odoo Bag 10 h", page.text, "bags are not published")
        self.assertIn("60,000", page.text, "the price includes IVA")
        self.assertNotIn("50,420", page.text)

    def test_unpublished_product_by_url_is_not_found(self):
        bag_url = f"/shop/{slug(self.plan_bag.product_id.product_tmpl_id)}"
        diagnosis_url = f"/shop/{slug(self.plan_diagnosis.product_id.product_tmpl_id)}"
        self.assertEqual(self.url_open(bag_url).status_code, 404)
        old_url = f"/shop/product/{slug(self.plan_bag.product_id.product_tmpl_id)}"
        self.assertEqual(self.url_open(old_url).status_code, 404)
        self.assertEqual(self.url_open(diagnosis_url).status_code, 200)
        self.authenticate("sup_portal_a", "sup_portal_a")
        self.assertEqual(self.url_open(bag_url).status_code, 404)

    # ------------------------------------------------------------------
    # Hour bags only through the proposal (§2)
    # ------------------------------------------------------------------
    def test_bag_added_by_id_is_refused(self):
        bag = self.plan_bag.product_id
        self.authenticate(None, None)
        page = self.url_open(
            "/shop/cart/update",
            data={"product_id": bag.id, "add_qty": 1, "csrf_token": self._csrf()},
        )
        self.assertTrue(page.url.endswith("/shop/cart"))
        self.assertIn("Support Diagnosis", page.text)
        self.assertIn("Odoo Diagnosis", page.text, "it points to the diagnosis")
        result = self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": bag.id, "add_qty": 1}
        )
        self.assertFalse(result["line_id"])
        self.assertIn("Support Diagnosis", result["notification_info"]["warning"])
        carts = self.env["sale.order"].search([("website_id", "=", self.website.id)])
        self.assertNotIn(bag, carts.order_line.product_id)

        # Nor by anyone, an administrator included, through the cart itself.
        order = self._cart((self.plan_diagnosis, 1))
        result = order._cart_update(product_id=bag.id, add_qty=1)
        self.assertFalse(result["line_id"])
        self.assertEqual(order.order_line.product_id, self.plan_diagnosis.product_id)

    def test_bag_in_a_cart_is_refused_at_checkout(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        self.url_open(
            "/shop/cart/update",
            data={
                "product_id": self.plan_diagnosis.product_id.id,
                "add_qty": 1,
                "csrf_token": self._csrf(),
            },
        )
        order = self._cart_of(self.contact_a)
        self.assertEqual(len(order), 1)
        self.assertEqual(self.url_open("/shop/checkout").status_code, 200)
        # The bag gets in some other way (a back-office edit, an old link).
        self.env["sale.order.line"].create(
            {"order_id": order.id, "product_id": self.plan_bag.product_id.id}
        )
        self.assertFalse(order._is_cart_ready())
        for step in ("/shop/checkout", "/shop/confirm_order", "/shop/payment"):
            page = self.url_open(step)
            self.assertTrue(page.url.endswith("/shop/cart"), step)
            self.assertIn("Support Diagnosis", page.text, step)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as error:
            self.make_jsonrpc_request(
                f"/shop/payment/transaction/{order.id}",
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.method_demo.id,
                    "token_id": None,
                    "amount": order.amount_total,
                    "flow": "direct",
                    "tokenization_requested": False,
                    "landing_route": "/shop/payment/validate",
                    "access_token": order._portal_ensure_token(),
                },
            )
        self.assertIn("ValidationError", str(error.exception))
        self.assertFalse(order.transaction_ids)
        # Nor through any other payment route: no transaction pays it.
        with self.assertRaisesText(ValidationError, "Support Diagnosis"):
            self._pay(order, notify=False)
        self.assertEqual(order.state, "draft")
        # Taking the bag out of the cart lets the client go on.
        bag_line = order.order_line.filtered(
            lambda line: line.product_id == self.plan_bag.product_id
        )
        order.with_user(self.user_portal_a).sudo()._cart_update(
            product_id=self.plan_bag.product_id.id,
            line_id=bag_line.id,
            add_qty=None,
            set_qty=0,
        )
        self.assertFalse(bag_line.exists())
        self.assertTrue(order._is_cart_ready())
        page = self.url_open("/shop/checkout")
        self.assertTrue(page.url.endswith("/shop/checkout"), page.url)

    def test_bag_proposal_without_scope_cannot_be_paid(self):
        order = self._create_order(
            self.plan_bag, partner=self.contact_a, scope=False, require_payment=True
        ).with_env(self.env)
        with self.assertRaisesText(ValidationError, "validated scope"):
            self._pay(order, notify=False)
        order.support_scope = "1. Reorder rules"
        tx = self._pay(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.support_contract_ids.scope, "1. Reorder rules")
        self.assertEqual(tx.state, "done")

    def test_bag_proposal_signed_and_paid_in_the_portal(self):
        order = self._create_order(
            self.plan_bag,
            partner=self.contact_a,
            scope="1. Reorder rules of the three warehouses",
            require_signature=True,
            require_payment=True,
            prepayment_percent=1.0,
        ).with_env(self.env)
        order.action_quotation_sent()
        self.assertFalse(order.website_id, "a proposal is not a cart")
        token = order._portal_ensure_token()
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self.url_open(f"/my/orders/{order.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Odoo Bag 10 h", page.text)

        accepted = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "Ana A", "signature": SIGNATURE},
        )
        self.assertTrue(accepted.get("force_refresh"), accepted)
        self.assertEqual(order.signed_by, "Ana A")
        self.assertEqual(order.state, "sent", "signed, still to be paid")
        self.assertFalse(order.support_contract_ids)

        processing = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/transaction",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method_demo.id,
                "token_id": None,
                "amount": order.amount_total,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
                "access_token": token,
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": processing["reference"],
                "payment_details": "4242",
                "simulated_state": "done",
            },
        )
        self.make_jsonrpc_request("/payment/status/poll", {})
        self.assertEqual(order.state, "sale")
        bag = order.support_contract_ids
        self.assertEqual(len(bag), 1)
        self.assertEqual(bag.kind, "hour_bag")
        self.assertEqual(bag.scope, "1. Reorder rules of the three warehouses")
        self.assertEqual(bag.amount_paid, 400000.0)
        self.assertEqual(bag.state, "confirmed")

    # ------------------------------------------------------------------
    # A paid cart gives its contracts, once
    # ------------------------------------------------------------------
    def test_paid_cart_gives_one_contract_per_unit_once(self):
        order = self._cart((self.plan_diagnosis, 2), (self.plan_monthly, 1))
        self.assertEqual(order.amount_total, 420000.0)
        tx = self._pay(order)
        self.assertEqual(tx.state, "done")
        self.assertEqual(order.state, "sale")
        contracts = order.support_contract_ids

        def check():
            self.assertEqual(
                sorted(contracts.mapped("kind")), ["diagnosis", "diagnosis", "monthly"]
            )
            self.assertEqual(
                self.env["support.contract"].search_count(
                    [("sale_order_id", "=", order.id)]
                ),
                3,
            )

        check()
        for contract in contracts:
            self.assertEqual(
                contract.sale_line_id.product_id, contract.plan_id.product_id
            )
            self.assertEqual(contract.partner_id, self.client_a)
            self.assertEqual(contract.state, "confirmed")
            self.assertEqual(
                contract.user_id, self.user_manager, "never the client as consultant"
            )
        self.assertEqual(
            sorted(contracts.mapped("sale_line_unit")), [1, 1, 2], "one per unit"
        )

        # The provider notifies again, the post-processing is replayed, the
        # order is confirmed again: nothing more.
        self._notify_done(tx)
        tx._set_done()
        tx._finalize_post_processing()
        tx._reconcile_after_done()
        order._action_confirm()
        self.assertFalse(order.order_line._support_create_contracts())
        check()

        # The first cycle of the retainer is the paid order's: no second bill.
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        monthly = contracts.filtered(lambda c: c.kind == "monthly")
        monthly.action_start()
        self.assertEqual(monthly.current_period_id.invoice_id, invoice)
        self.assertEqual(order.invoice_ids, invoice, "not invoiced twice")

    def test_checkout_twice_one_sale(self):
        """Paying one cart twice (two tabs) confirms it and gives contracts once."""
        order = self._cart((self.plan_incident, 1))
        first = self._pay(order, notify=False)
        second = self._pay(order, notify=False)
        self._notify_done(first)
        self._notify_done(second)
        (first | second)._finalize_post_processing()
        first._finalize_post_processing()
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(order.support_contract_ids), 1)
        self.assertEqual(order.support_contract_ids.kind, "incident")

    # ------------------------------------------------------------------
    # Client credits at checkout (§10)
    # ------------------------------------------------------------------
    def test_client_applies_own_credits_at_checkout(self):
        self.env["support.credit"]._issue(
            self.client_a,
            20000.0,
            "cancellation",
            fields.Date.today(),
            self.env.ref(POLICY_V1),
            company_id=self.company.id,
        )
        self.authenticate("sup_portal_a", "sup_portal_a")
        self.url_open(
            "/shop/cart/update",
            data={
                "product_id": self.plan_diagnosis.product_id.id,
                "add_qty": 1,
                "csrf_token": self._csrf(),
            },
        )
        order = self._cart_of(self.contact_a)
        page = self.url_open("/shop/payment")
        self.assertTrue(page.url.endswith("/shop/payment"), page.url)
        self.assertIn("Apply my credits", page.text)

        page = self.url_open(
            "/shop/support_credits/apply", data={"csrf_token": self._csrf()}
        )
        self.assertTrue(page.url.endswith("/shop/payment"))
        self.assertEqual(order.amount_total, 40000.0)
        self.assertEqual(len(order.support_credit_usage_ids), 1)
        self.assertNotIn("Apply my credits", page.text, "nothing left to apply")
        # A second post (the button pressed again) applies nothing more,
        # and warns of nothing: the credit is on the cart.
        response = self.url_open(
            "/shop/support_credits/apply",
            data={"csrf_token": self._csrf()},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(order.amount_total, 40000.0)
        self.assertFalse(order.shop_warning)

        # Credits never pay more than the cart holds: without the diagnosis,
        # the cart cannot be paid until the credit line goes.
        order.order_line.filtered(
            lambda line: line.product_id == self.plan_diagnosis.product_id
        ).unlink()
        with self.assertRaisesText(UserError, "exceed the total"):
            order._check_cart_is_ready_to_be_paid()

        # Only one's own cart, only one's own credits.
        with self.assertRaises(AccessError):
            order._apply_support_credits_in_cart(self.user_portal_b)
        other = self._cart((self.plan_diagnosis, 1), user=self.user_portal_b)
        with self.assertRaises(AccessError):
            other._apply_support_credits_in_cart(self.user_portal_a)
        self.assertFalse(other.support_credit_count, "client B has no credit")

    def test_cart_paid_with_a_credit_and_money(self):
        """The client pays 40.000 online for a diagnosis of 60.000 and a
        credit of 20.000: the factura bills 60.000 (IVA exact from it), the
        credit's open credit note pays 20.000, the payment the rest."""
        source = self._sell(self.plan_bag, self.contact_a)
        credit = self.env["support.credit"]._issue(
            self.client_a,
            20000.0,
            "cancellation",
            fields.Date.today(),
            self.env.ref(POLICY_V1),
            contract_id=source.id,
            company_id=self.company.id,
        )
        self.assertEqual(credit.amount_in_books, 20000)
        order = self._cart((self.plan_diagnosis, 1))
        order._apply_support_credits_in_cart(self.user_portal_a)
        self.assertEqual(order.amount_total, 40000.0)
        self._pay(order)
        self.assertEqual(order.state, "sale")
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            (invoice.amount_total, invoice.amount_untaxed, invoice.amount_residual),
            (60000, round(60000 / 1.19), 0),
        )
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(credit.usage_ids.invoice_id, invoice)
        credit.invalidate_recordset()
        self.assertEqual((credit.amount_remaining, credit.amount_in_books), (0, 0))

    def test_public_visitor_cannot_apply_credits(self):
        self.authenticate(None, None)
        page = self.url_open(
            "/shop/support_credits/apply",
            data={"csrf_token": self._csrf()},
            allow_redirects=False,
        )
        self.assertEqual(page.status_code, 303)
        self.assertIn("/web/login", page.headers["Location"])
