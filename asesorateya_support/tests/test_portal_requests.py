# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a client asks from the portal: each request leaves a record, a message
the client reads, and a to-do for the consultant."""

from markupsafe import escape

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_portal import SupportPortalCommon

REASONS = "The report of stock by location still shows the wrong warehouse."


@tagged("post_install", "-at_install")
class TestSupportPortalRequests(SupportPortalCommon):
    # ------------------------------------------------------------------
    # Priorities of the month (§9)
    # ------------------------------------------------------------------
    def test_priorities(self):
        self.authenticate("sup_portal_a2", "sup_portal_a2")
        url = f"{self.monthly_a.access_url}/priorities"
        response = self._post(url, {"priorities": "1. Close the month\n2. Payroll"})
        self.assertRedirect(
            response, self.monthly_a.access_url, {"message": "priorities"}
        )
        period = self.monthly_a.current_period_id
        self.assertEqual(period.priorities, "1. Close the month\n2. Payroll")
        message = self.monthly_a.message_ids[:1]
        self.assertIn("Close the month", message.body)
        self.assertEqual(message.author_id, self.contact_a2)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertEqual(len(self._consultant_todos(self.monthly_a)), 1)
        # A second submission replaces them; the first stays in the history.
        self._post(url, {"priorities": "Only payroll"})
        self.assertEqual(period.priorities, "Only payroll")
        bodies = self.monthly_a.message_ids.mapped("body")
        self.assertTrue(any("Close the month" in body for body in bodies))
        page = self._get(f"{self.monthly_a.access_url}?message=priorities").text
        self.assertIn("Your priorities were sent", page)

    def test_priorities_refused_with_the_reason_on_the_page(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        for contract, text, error in (
            (self.monthly_a, "   ", "Write the priorities of the month."),
            (self.bag_a, "Something", "is not possible on"),
        ):
            with self.subTest(contract=contract.name):
                response = self._post(
                    f"{contract.access_url}/priorities", {"priorities": text}
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_support_error", response.text)
                self.assertIn(error, response.text)
        self.assertFalse(self.monthly_a.current_period_id.priorities)
        self.assertFalse(self.monthly_a.activity_ids)
        response = self._post(
            f"{self.bag_b.access_url}/priorities", {"priorities": "Not mine"}
        )
        self.assertRedirect(response, "/my")

    def test_request_needs_csrf_token(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        self.env.flush_all()
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"{self.monthly_a.access_url}/priorities",
                data={"priorities": "No token"},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 400)
        self.env.invalidate_all()
        self.assertFalse(self.monthly_a.current_period_id.priorities)

    # ------------------------------------------------------------------
    # Case description and evidence (§2, §9)
    # ------------------------------------------------------------------
    def test_case_description_with_attachments(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        response = self._post(
            f"{self.bag_a.access_url}/case",
            {"description": "The invoice PDF has no logo since Monday."},
            files=[
                ("attachments", ("error.png", b"\x89PNG fake image", "image/png")),
                ("attachments", ("log.txt", b"Traceback ...", "text/plain")),
            ],
        )
        self.assertRedirect(response, self.bag_a.access_url, {"message": "case"})
        message = self.bag_a.message_ids[:1]
        self.assertIn("no logo since Monday", message.body)
        self.assertEqual(message.author_id, self.contact_a)
        self.assertEqual(
            sorted(message.attachment_ids.mapped("name")), ["error.png", "log.txt"]
        )
        self.assertEqual(
            message.attachment_ids.mapped("res_model"), ["support.contract"] * 2
        )
        todo = self._consultant_todos(self.bag_a)
        self.assertEqual(len(todo), 1)
        self.assertIn("2 file(s)", todo.note)

    def test_case_refused_with_the_reason_on_the_page(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        response = self._post(f"{self.bag_a.access_url}/case", {"description": ""})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Describe the case before sending it.", response.text)
        too_many = [
            ("attachments", (f"file{index}.txt", b"x", "text/plain"))
            for index in range(11)
        ]
        response = self._post(
            f"{self.bag_a.access_url}/case", {"description": "Files"}, files=too_many
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Attach at most 10 files", response.text)
        self.assertFalse(self.bag_a.activity_ids)

    # ------------------------------------------------------------------
    # Cancellation (§10)
    # ------------------------------------------------------------------
    def test_cancellation_quote_then_confirmation(self):
        self.authenticate("sup_portal_a2", "sup_portal_a2")
        url = f"{self.bag_a.access_url}/cancel"
        quote = self.bag_a.cancellation_quote()
        page = self._get(url).text
        self.assertIn("o_support_quote", page)
        # 10 h for 400.000, 1:30 h done: 60.000 of work, 340.000 as credit.
        self.assertEqual(quote["credit_amount"], 340000.0)
        self.assertIn("400,000", page)
        self.assertIn("340,000", page)
        for line in quote["explanation"].split("\n"):
            self.assertIn(str(escape(line)), page)
        self.assertIn('value="policy"', page)
        self.assertIn('value="refund"', page)
        # Not confirmed: nothing happens, the form says why.
        response = self._post(url, {"preference": "policy"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tick the box to confirm the cancellation.", response.text)
        # An outcome the policy does not offer is refused.
        response = self._post(url, {"preference": "anything", "confirm": "1"})
        self.assertIn("Choose one of the outcomes the policy offers.", response.text)
        self.assertEqual(self.bag_a.state, "active")
        self.assertFalse(self.bag_a.cancellation_ids)
        # Confirmed.
        response = self._post(
            url, {"preference": "policy", "confirm": "1", "reason": "New provider"}
        )
        self.assertRedirect(response, self.bag_a.access_url, {"message": "cancelled"})
        cancellation = self.bag_a.cancellation_ids
        self.assertEqual(self.bag_a.state, "cancelled")
        self.assertEqual(cancellation.channel, "portal")
        self.assertEqual(cancellation.requested_by_id, self.user_portal_a2)
        self.assertEqual(cancellation.reason, "New provider")
        self.assertEqual(cancellation.decision, "credit")
        self.assertEqual(cancellation.credit_id.amount, 340000.0)
        self.assertEqual(len(self._consultant_todos(self.bag_a)), 1)
        # The outcome is on the page and as a document; no second cancellation.
        page = self._get(f"{self.bag_a.access_url}?message=cancelled").text
        self.assertIn(cancellation.name, page)
        self.assertIn("o_support_cancellation_download", page)
        self.assertNotIn("o_support_cancel_link", page)
        document = self._get(f"{self.bag_a.access_url}/cancellation")
        self.assertEqual(document.status_code, 200)
        self.assertIn(cancellation.name, document.text)
        self.assertRedirect(
            self._get(url, allow_redirects=False), self.bag_a.access_url
        )

    def test_cancellation_refund_instead_of_credit_waits_for_a_manager(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        response = self._post(
            f"{self.bag_a.access_url}/cancel", {"preference": "refund", "confirm": "1"}
        )
        self.assertRedirect(response, self.bag_a.access_url, {"message": "cancelled"})
        cancellation = self.bag_a.cancellation_ids
        self.assertEqual(cancellation.state, "to_approve")
        self.assertEqual(cancellation.client_preference, "refund")
        page = self._get(self.bag_a.access_url).text
        self.assertIn("A manager reviews your request", page)

    def test_cancellation_of_another_clients_contract_is_refused(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        response = self._post(
            f"{self.bag_b.access_url}/cancel", {"preference": "policy", "confirm": "1"}
        )
        self.assertRedirect(response, "/my")
        self.assertEqual(self.bag_b.state, "active")

    # ------------------------------------------------------------------
    # Claims (agency policy §7)
    # ------------------------------------------------------------------
    def test_claim_form_prefilled_from_the_contract(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(f"/my/support/claims/new?contract_id={self.bag_a.id}").text
        self.assertIn(self.bag_a.sale_order_id.name, page)
        self.assertIn(str(self.bag_a.date_purchase), page)
        # Clients without a project are not offered the project's claims.
        self.assertNotIn('value="aesthetic"', page)
        # Another client's contract is not offered, nor prefilled.
        page = self._get(f"/my/support/claims/new?contract_id={self.bag_b.id}").text
        self.assertNotIn(self.bag_b.name, page)
        self.assertNotIn(self.bag_b.sale_order_id.name, page)

    def test_claim_filed(self):
        self.authenticate("sup_portal_a2", "sup_portal_a2")
        response = self._post(
            "/my/support/claims/new",
            {
                "contract_id": str(self.bag_a.id),
                "claim_type": "complaint",
                "document_reference": "S00042",
                "contract_date": str(self.bag_a.date_purchase),
                "reasons": REASONS,
            },
        )
        claim = self.env["support.claim"].search(
            [("partner_id", "=", self.client_a.id)]
        )
        self.assertEqual(len(claim), 1)
        self.assertRedirect(response, claim.access_url, {"message": "claim"})
        self.assertEqual(claim.contract_id, self.bag_a)
        self.assertEqual(claim.claim_type, "complaint")
        self.assertEqual(claim.document_reference, "S00042")
        self.assertEqual(claim.date_received, fields.Date.context_today(claim))
        self.assertEqual(len(self._consultant_todos(claim)), 1)
        page = self._get(f"{claim.access_url}?message=claim").text
        self.assertIn("Your claim was received", page)
        self.assertIn(REASONS, page)
        self.assertIn(claim.name, self._get("/my/support").text)
        # The other client sees nothing of it.
        self.authenticate("sup_portal_b", "sup_portal_b")
        self.assertRedirect(self._get(claim.access_url, allow_redirects=False), "/my")
        self.assertNotIn(claim.name, self._get("/my/support").text)

    def test_claim_errors_shown_on_the_form(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        valid = {
            "claim_type": "review",
            "document_reference": "S00042",
            "contract_date": "2026-01-05",
            "reasons": REASONS,
        }
        for changes, error in (
            ({"document_reference": " "}, "the quote, contract or invoice number"),
            ({"contract_date": ""}, "the date of the contract"),
            ({"contract_date": "05/01/2026"}, "Write the contract date as a date."),
            ({"reasons": "Too short"}, "at least 30 characters"),
            ({"contract_id": str(self.bag_b.id)}, "Choose one of your contracts."),
            ({"contract_id": "abc"}, "Choose one of your contracts."),
            ({"claim_type": "aesthetic"}, "Choose the kind of request."),
        ):
            with self.subTest(changes=changes):
                response = self._post("/my/support/claims/new", dict(valid, **changes))
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_support_error", response.text)
                self.assertIn(error, response.text)
                # What the client wrote is kept.
                self.assertIn(
                    REASONS if "reasons" not in changes else "Too short", response.text
                )
        self.assertFalse(
            self.env["support.claim"].search([("partner_id", "=", self.client_a.id)])
        )

    def test_claim_form_is_for_clients(self):
        self.authenticate("sup_consultant", "sup_consultant")
        self.assertRedirect(
            self._get("/my/support/claims/new", allow_redirects=False), "/my"
        )

    # ------------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------------
    def test_client_writes_in_the_chatter(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        self.env.flush_all()
        self.make_jsonrpc_request(
            "/mail/chatter_post",
            {
                "res_model": "support.contract",
                "res_id": self.bag_a.id,
                "message": "When is the next session?",
            },
        )
        self.env.invalidate_all()
        self.assertIn("next session", self.bag_a.message_ids[:1].body)
        self.assertEqual(self.bag_a.message_ids[:1].author_id, self.contact_a)
