# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo shop as a newcomer meets it (scripts/run, Docker): after the
demo's set-up step, which scripts/test applies before these tests.

/shop opens on the plans, before the products of other modules' demo data;
a plan's page states the plan's terms; an hour bag's URL says where to start;
the policy page is public. Buying a plan and paying offline is the whole flow
of tests/test_flow_mail.py.
"""

import re

from odoo.tests import HttpCase, tagged

PLANS = ("SOP-DIAG", "SOP-INC", "SOP-MENSUAL8")


@tagged("post_install", "-at_install")
class TestDemoShop(HttpCase):
    def setUp(self):
        super().setUp()
        self.company = self.env.ref("asesorateya_support.company_asesorateya")
        self.website = self.env.ref("website.default_website")
        self.assertEqual(self.website.company_id, self.company, "the set-up step ran")

    def _product(self, code):
        return self.env["product.product"].search([("default_code", "=", code)])

    def test_shop_opens_on_the_plans(self):
        page = self.url_open("/shop")
        self.assertEqual(page.status_code, 200)
        names = re.findall(r'itemprop="name" href="[^"]*" content="([^"]*)"', page.text)
        self.assertGreater(len(names), 3, "other modules' products are still there")
        self.assertEqual(names[:3], [self._product(code).name for code in PLANS])
        self.assertNotIn(self._product("SOP-BOLSA10").name, names)

    def test_plan_pages_and_policy(self):
        for code in PLANS:
            page = self.url_open(self._product(code).website_url)
            self.assertEqual(page.status_code, 200, code)
            self.assertIn('id="support_plan_terms"', page.text)
            self.assertNotIn("30-day money-back guarantee", page.text)
            link = re.search(r'href="(/support/policy/\d+)"', page.text)
            self.assertTrue(link, code)
        policy = self.url_open(link.group(1))
        self.assertEqual(policy.status_code, 200)
        self.assertIn("§10.", policy.text)

    def test_bag_url_points_to_the_diagnosis(self):
        page = self.url_open(self._product("SOP-BOLSA10").website_url)
        self.assertEqual(page.status_code, 404)
        self.assertIn(f'href="{self._product("SOP-DIAG").website_url}"', page.text)
