# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a contract's page offers next: no booking once a contract is done or
cancelled, the proposed bag after a diagnosis (§2), an additional bag when
the hours run low (§6), the plans to buy for a client without a contract."""

import re

from odoo.tests import new_test_user, tagged

from .common_portal import SupportPortalCommon

KEY_RE = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')
BOOKING_URL = "https://book.asesorateya.test/session"


@tagged("post_install", "-at_install")
class TestPortalNextSteps(SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.support_booking_url = BOOKING_URL

    def test_done_and_cancelled_contracts_offer_no_booking(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        self.assertIn(BOOKING_URL, self._get(self.bag_a.access_url).text)
        for state in ("done", "cancelled"):
            self.bag_a.state = state
            page = self._get(self.bag_a.access_url).text
            self.assertNotIn(BOOKING_URL, page, state)
            self.assertNotIn("o_support_booking_button", page, state)

    def test_finished_diagnosis_offers_the_proposed_bag(self):
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a)
        diagnosis.state = "done"
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(diagnosis.access_url).text
        self.assertIn("o_support_proposal", page)
        self.assertNotIn("o_support_proposal_link", page, "no proposal yet")
        self.assertNotIn(BOOKING_URL, page)
        proposal = self._create_order(self.plan_bag, self.contact_a)
        proposal.action_quotation_sent()
        page = self._get(diagnosis.access_url).text
        self.assertIn("o_support_proposal_link", page)
        self.assertIn(proposal.get_portal_url().replace("&", "&amp;"), page)
        # The proposal opens for the client, to sign and pay.
        response = self._get(proposal.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(proposal.name, response.text)

    def _run_low(self, contract):
        self._log(contract, 7.5)
        self.assertTrue(contract.is_low_balance)

    def test_additional_bag_when_hours_run_low(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(self.bag_a.access_url).text
        self.assertNotIn("o_support_additional_bag_form", page, "hours enough")
        self._run_low(self.bag_a)
        page = self._get(self.bag_a.access_url).text
        self.assertIn("o_support_additional_bag_form", page)
        url = f"{self.bag_a.access_url}/additional_bag"
        key = KEY_RE.search(page[page.index("o_support_additional_bag_form") :])[1]
        response = self._post(url, {"submission_key": key})
        order = self.env["sale.order"].search(
            [("support_origin_contract_id", "=", self.bag_a.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertRedirect(response, "/my/orders/%s" % order.id)
        self.assertRecordValues(
            order,
            [
                {
                    "state": "sent",
                    "partner_id": self.contact_a.id,
                    "support_scope": self.bag_a.scope,
                    "require_signature": True,
                    "require_payment": True,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(order.order_line.product_id, self.plan_bag.product_id)
        self.assertTrue(self._consultant_todos(self.bag_a))
        # Asked again (the same form, another tab): the same quotation.
        self._post(url, {"submission_key": key})
        response = self._post(url, {})
        self.assertRedirect(response, "/my/orders/%s" % order.id)
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("support_origin_contract_id", "=", self.bag_a.id)]
            ),
            1,
        )
        page = self._get(self.bag_a.access_url).text
        self.assertIn("o_support_additional_bag_link", page)
        # Another client cannot ask on this contract.
        self.authenticate("sup_portal_b", "sup_portal_b")
        response = self._post(url, {})
        self.assertRedirect(response, "/my")

    def test_low_balance_email_links_the_additional_bag(self):
        template = self.env.ref("asesorateya_support.mail_template_low_balance")
        body = template._render_field("body_html", self.bag_a.ids)[self.bag_a.id]
        self.assertIn(f"/my/support/{self.bag_a.id}#additional_bag", body)

    def test_client_without_contract_sees_what_it_can_buy(self):
        self.plan_diagnosis.product_id.is_published = True
        self.plan_diagnosis.product_id.website_id = False
        partner = self.env["res.partner"].create(
            {"name": "Nuevo Cliente", "email": "nuevo@cliente.cl"}
        )
        new_test_user(
            self.env,
            login="sup_portal_new",
            groups="base.group_portal",
            partner_id=partner.id,
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.authenticate("sup_portal_new", "sup_portal_new")
        page = self._get("/my/support").text
        self.assertIn("o_support_shop_plans", page)
        self.assertIn(self.plan_diagnosis.name, page)
        self.assertIn(self.plan_diagnosis.product_id.website_url, page)
        self.assertNotIn(self.plan_bag.name, page, "bags come with a proposal")

    def test_claim_form_states_its_minimum_length(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get("/my/support/claims/new").text
        self.assertIn('minlength="30"', page)
        self.assertIn("At least 30 characters", page)

    def test_monthly_quote_names_the_cycle_fee(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(f"{self.monthly_a.access_url}/cancel").text
        self.assertIn("Fee of the current cycle", page)
        page = self._get(f"{self.bag_a.access_url}/cancel").text
        self.assertIn("Amount paid", page)
        self.assertNotIn("Fee of the current cycle", page)
