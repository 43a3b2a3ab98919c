# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A portal form sent again (a double click, the browser's resend, two tabs)
makes one request: one claim, one case message, one priorities message.
The concurrent case is tests/test_portal_race.py, over a real server."""

import re

from odoo import http
from odoo.tests import tagged

from .common_portal import SupportPortalCommon

KEY_RE = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')


@tagged("post_install", "-at_install")
class TestPortalSubmitOnce(SupportPortalCommon):
    def _key(self, url):
        keys = KEY_RE.findall(self._get(url).text)
        self.assertTrue(keys, f"{url} shows its forms with a key")
        return keys[0]

    def test_claim_form_twice_one_claim(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        form = {
            "submission_key": self._key("/my/support/claims/new"),
            "claim_type": "review",
            "contract_id": str(self.bag_a.id),
            "document_reference": "S00042",
            "contract_date": str(self.bag_a.date_purchase),
            "reasons": "The stock report still shows the wrong warehouse.",
        }
        first = self._post("/my/support/claims/new", form)
        second = self._post("/my/support/claims/new", form)
        claims = self.env["support.claim"].search(
            [("partner_id", "=", self.client_a.id)]
        )
        self.assertEqual(len(claims), 1)
        for response in (first, second):
            self.assertRedirect(
                response, f"/my/support/claims/{claims.id}", {"message": "claim"}
            )
        # Another form (another key) is another claim.
        form["submission_key"] = self._key("/my/support/claims/new")
        self._post("/my/support/claims/new", form)
        self.assertEqual(
            self.env["support.claim"].search_count(
                [("partner_id", "=", self.client_a.id)]
            ),
            2,
        )

    def test_refused_form_keeps_its_key_free(self):
        """A form refused (a message to correct it) may be sent again with
        the same key: nothing was done the first time."""
        self.authenticate("sup_portal_a", "sup_portal_a")
        key = self._key(self.monthly_a.access_url)
        url = f"{self.monthly_a.access_url}/priorities"
        refused = self._post(url, {"submission_key": key, "priorities": "  "})
        self.assertEqual(refused.status_code, 200)
        self.assertIn("o_support_error", refused.text)
        messages = self.monthly_a.message_ids
        for _attempt in range(3):
            response = self._post(
                url, {"submission_key": key, "priorities": "Close the month"}
            )
            self.assertRedirect(
                response, self.monthly_a.access_url, {"message": "priorities"}
            )
        new = self.monthly_a.message_ids - messages
        self.assertEqual(len(new.filtered(lambda m: "Close the month" in m.body)), 1)

    def test_case_form_twice_one_message(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        key = self._key(self.bag_a.access_url)
        messages = self.bag_a.message_ids
        for _attempt in range(2):
            self.env.flush_all()
            response = self.url_open(
                f"{self.bag_a.access_url}/case",
                data={
                    "csrf_token": http.Request.csrf_token(self),
                    "submission_key": key,
                    "description": "The invoice report fails",
                },
                files={"attachments": ("log.txt", b"Traceback", "text/plain")},
                allow_redirects=False,
            )
            self.env.invalidate_all()
            self.assertRedirect(response, self.bag_a.access_url, {"message": "case"})
        new = self.bag_a.message_ids - messages
        cases = new.filtered(lambda m: "The invoice report fails" in (m.body or ""))
        self.assertEqual(len(cases), 1)
        self.assertEqual(len(cases.attachment_ids), 1)
