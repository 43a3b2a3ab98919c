# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, http
from odoo.tests import HttpCase, tagged

from odoo.addons.http_routing.models.ir_http import slug

from .common import SupportCommon

#: The boilerplate of website_sale's "Terms and Conditions" option
#: (website_sale.product_custom_text), which the support policy contradicts.
STORE_TERMS = ("30-day money-back guarantee", "Shipping: 2-3 Business Days")


@tagged("post_install", "-at_install")
class TestSupportShopPages(HttpCase, SupportCommon):
    """What a visitor reads in the shop (policy §1, §2, §10): a plan's own
    terms, why an hour bag has no page, where the diagnosis is, the policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].create(
            {
                "name": "AsesórateYa Test Shop",
                "company_id": cls.company.id,
                "domain": cls.base_url(),
            }
        )
        cls.pricelist.write(
            {"website_id": cls.website.id, "selectable": True, "sequence": 1}
        )
        for plan in (cls.plan_diagnosis, cls.plan_incident, cls.plan_monthly):
            plan.product_id.is_published = True
        cls.plan_bag.product_id.write(
            {"is_published": False, "default_code": "SOP-BOLSA10"}
        )
        cls.plan_diagnosis.product_id.default_code = "SOP-DIAG"
        cls.product_other.is_published = True

    def _page(self, product):
        return self.url_open(f"/shop/{slug(product.product_tmpl_id)}")

    def test_plan_page_states_the_plan_terms(self):
        page = self._page(self.plan_monthly.product_id)
        self.assertEqual(page.status_code, 200)
        for text in STORE_TERMS:
            self.assertNotIn(text, page.text)
        self.assertIn('id="support_plan_terms"', page.text)
        for text in (
            "8 h of work each monthly cycle",
            "2 meetings included each cycle.",
            "Hours not used in a month do not roll over (policy §7).",
            "Paid monthly in advance",
            "within 10 days of the purchase",
            "valid 6 months",
            "only the unused hours of the current cycle",
            f'href="/support/policy/{self.plan_monthly._get_policy().id}"',
        ):
            self.assertIn(text, page.text)
        page = self._page(self.plan_diagnosis.product_id)
        self.assertIn("One working session of 1 h by videoconference", page.text)
        self.assertIn("the link to book your session", page.text)

    def test_other_products_keep_the_store_terms(self):
        page = self._page(self.product_other)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn('id="support_plan_terms"', page.text)
        for text in STORE_TERMS:
            self.assertIn(text, page.text)

    def test_bag_page_says_where_to_start(self):
        page = self._page(self.plan_bag.product_id)
        self.assertEqual(page.status_code, 404, "no page to buy it from")
        self.assertIn("Hour bags are not sold from the shop.", page.text)
        self.assertIn("Odoo Bag 10 h", page.text)
        self.assertIn(f'href="{self.plan_diagnosis.product_id.website_url}"', page.text)
        self.assertIn('href="/my/quotes"', page.text)
        self.assertNotIn("Add to cart", page.text)
        # The same for a logged-in client; none of it for a product of
        # another company nor for a product that does not exist.
        self.authenticate("sup_portal_a", "sup_portal_a")
        self.assertIn(
            "Hour bags are not sold", self._page(self.plan_bag.product_id).text
        )
        self.authenticate(None, None)
        other = self.env["product.product"].create(
            {"name": "B bag", "type": "service", "company_id": self.company_b.id}
        )
        self.env["support.plan"].create(
            {
                "name": "B bag",
                "kind": "hour_bag",
                "hours_included": 10,
                "product_id": other.id,
                "company_id": self.company_b.id,
            }
        )
        page = self._page(other)
        self.assertEqual(page.status_code, 404)
        self.assertNotIn("B bag", page.text)
        self.assertEqual(self.url_open("/shop/nothing-999999999").status_code, 404)

    def test_refused_bag_warning_names_and_links(self):
        """The cart's warning names the bag as the shop does (no internal
        reference) and links the diagnosis."""
        self.authenticate(None, None)
        page = self.url_open(
            "/shop/cart/update",
            data={
                "product_id": self.plan_bag.product_id.id,
                "add_qty": 1,
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertTrue(page.url.endswith("/shop/cart"))
        self.assertIn("Odoo Bag 10 h is not sold from the shop", page.text)
        self.assertNotIn("[SOP-", page.text)
        url = self.plan_diagnosis.product_id.website_url
        link = f'<a class="alert-link" href="{url}">Odoo Diagnosis</a>'
        self.assertIn(f"Start with the diagnosis: {link}.", page.text)
        # A notification (the JSON route) is text: the name, no path.
        result = self.make_jsonrpc_request(
            "/shop/cart/update_json",
            {"product_id": self.plan_bag.product_id.id, "add_qty": 1},
        )
        warning = result["notification_info"]["warning"]
        self.assertIn("Start with the diagnosis: Odoo Diagnosis.", warning)
        self.assertNotIn("/shop/", warning)
        self.assertNotIn("[SOP-", warning)

    def test_other_warnings_stay_text(self):
        """Only the diagnosis the bag's warning names becomes a link; any
        other text of a warning stays text."""
        order = self.env["sale.order"].create(
            {"partner_id": self.client_a.id, "website_id": self.website.id}
        )
        order.shop_warning = "Out of <b>stock</b>: Odoo Diagnosis"
        self.assertEqual(
            order._get_shop_warning(), "Out of <b>stock</b>: Odoo Diagnosis"
        )
        start = order._support_start_with(self.plan_diagnosis)
        order.shop_warning = f"<script>alert(1)</script> {start}"
        warning = order._get_shop_warning()
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", warning)
        url = self.plan_diagnosis.product_id.website_url
        self.assertIn(f'<a class="alert-link" href="{url}">Odoo Diagnosis</a>', warning)
        self.assertFalse(order.shop_warning, "read once, as Odoo's")

    def test_policy_page(self):
        policy = self.plan_diagnosis._get_policy()
        version = policy.current_version_id
        for url in ("/support/policy", f"/support/policy/{policy.id}"):
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200, url)
            self.assertIn(policy.name, page.text)
            self.assertIn(f"Version {version.number}, in force since", page.text)
            self.assertIn("§10. Before the effective start of the service", page.text)
        # Another company's policy, an archived one, one that does not exist.
        other = self.env["support.policy"].create(
            {
                "name": "B policy",
                "company_id": self.company_b.id,
                "version_ids": [Command.create({"date_from": "2026-01-01"})],
            }
        )
        archived = self.env["support.policy"].create(
            {
                "name": "Old policy",
                "company_id": False,
                "active": False,
                "version_ids": [Command.create({"date_from": "2026-01-01"})],
            }
        )
        for policy_id in (other.id, archived.id, 999999999):
            page = self.url_open(f"/support/policy/{policy_id}")
            self.assertEqual(page.status_code, 404, policy_id)
