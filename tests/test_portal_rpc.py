# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A client logged in on the real HTTP server reads its own hours, nobody else's.

JSON-RPC is the door a curious client can open from the browser's console
whatever the portal pages show, so the record rules are tested through it.
"""

import json

from odoo.tests import HttpCase, tagged

from odoo.addons.asesorateya_support.tests.common import SupportCommon


@tagged("post_install", "-at_install")
class TestPortalRpc(HttpCase, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bag_a = cls._sell_class(cls.plan_bag, cls.contact_a)
        cls.bag_b = cls._sell_class(cls.plan_bag, cls.contact_b)

    @classmethod
    def _sell_class(cls, plan, partner):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": cls.pricelist.id,
                "support_scope": "Validated scope",
                "order_line": [(0, 0, {"product_id": plan.product_id.id})],
            }
        )
        order.action_confirm()
        contract = order.support_contract_ids
        cls.env["support.session"].create(
            {
                "contract_id": contract.id,
                "user_id": cls.user_consultant.id,
                "duration": 1.5,
                "objective": f"Objective of {partner.name}",
                "activity": "Activity",
            }
        )
        return contract

    def _call(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_client_reads_own_contracts_and_logs_only(self):
        self.authenticate("sup_portal_a2", "sup_portal_a2")
        contracts = self._call(
            "support.contract", "search_read", [], fields=["name", "hours_remaining"]
        )["result"]
        self.assertEqual([c["id"] for c in contracts], self.bag_a.ids)
        self.assertEqual(contracts[0]["hours_remaining"], 8.5)
        sessions = self._call(
            "support.session", "search_read", [], fields=["objective", "duration"]
        )["result"]
        self.assertEqual(
            [s["objective"] for s in sessions], [f"Objective of {self.contact_a.name}"]
        )

    def test_client_cannot_open_another_clients_records(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        for model, record in (
            ("support.contract", self.bag_b),
            ("support.session", self.bag_b.session_ids),
        ):
            answer = self._call(model, "read", record.ids, ["display_name"])
            self.assertIn("error", answer)
            self.assertEqual(
                answer["error"]["data"]["name"], "odoo.exceptions.AccessError"
            )

    def test_client_cannot_write_or_log(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        answer = self._call(
            "support.contract", "write", self.bag_a.ids, {"hours_included": 100}
        )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        answer = self._call(
            "support.session",
            "create",
            {
                "contract_id": self.bag_a.id,
                "duration": -5,
                "objective": "x",
                "activity": "x",
            },
        )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.bag_a.invalidate_recordset()
        self.assertEqual(
            (self.bag_a.hours_included, self.bag_a.hours_used), (10.0, 1.5)
        )
