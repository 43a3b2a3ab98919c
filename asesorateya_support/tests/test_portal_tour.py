# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tours in headless Chromium: the client in the portal, the
consultant in the backend."""

from odoo import Command, fields
from odoo.tests import tagged

from .common_portal import SupportPortalCommon

#: The action each backend tour of the desk starts on.
ACTIONS = {
    "desk_kanban": "support_contract_action",
    "desk_list": "support_contract_action&view_type=list",
    "quick_log": "support_session_action_quick",
}


@tagged("post_install", "-at_install")
class TestSupportTours(SupportPortalCommon):
    def test_additional_bag_tour(self):
        """The client's hours run low: it asks for an additional bag on the
        same scope and gets its quotation (policy §6)."""
        self._log(self.bag_a, 7.5)
        self.monthly_a.state = "cancelled"
        self.start_tour(
            "/my/support",
            "asesorateya_support_additional_bag_tour",
            login="sup_portal_a",
        )
        order = self.env["sale.order"].search(
            [("support_origin_contract_id", "=", self.bag_a.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.support_scope, self.bag_a.scope)

    def test_portal_tour_priorities_and_cancellation(self):
        """The client sends the month's priorities, reads the quote, cancels."""
        self.start_tour("/my", "asesorateya_support_portal_tour", login="sup_portal_a")
        self.env.invalidate_all()
        period = self.monthly_a.period_ids[:1]
        self.assertEqual(
            period.priorities,
            "Cerrar el mes contable y revisar la conciliación bancaria",
        )
        self.assertEqual(self.monthly_a.state, "cancelled")
        cancellation = self.monthly_a.cancellation_ids
        self.assertEqual(cancellation.channel, "portal")
        self.assertEqual(cancellation.reason, "Cambiamos de proveedor de Odoo")
        self.assertEqual(cancellation.requested_by_id, self.user_portal_a)
        self.assertEqual(cancellation.decision, "credit")
        self.assertTrue(cancellation.credit_id)
        self.assertEqual(
            len(self._consultant_todos(self.monthly_a)), 2, "priorities, cancellation"
        )

    def test_backend_tour_log_session(self):
        """The consultant logs a session from the contract's "Log session"."""
        client = self.env["res.partner"].create(
            {"name": "Tour Client SpA", "is_company": True}
        )
        contract = self._sell(self.plan_bag, client)
        contract.user_id = self.user_consultant
        self.start_tour(
            "/web", "asesorateya_support_log_session_tour", login="sup_consultant"
        )
        self.env.invalidate_all()
        session = contract.session_ids
        self.assertEqual(len(session), 1)
        self.assertEqual(session.user_id, self.user_consultant)
        self.assertEqual(session.date, fields.Date.context_today(session))
        self.assertEqual(session.duration, self.plan_bag.session_length)
        self.assertEqual(session.objective, "Revisar la conciliación bancaria")
        self.assertEqual(session.next_steps, "Probar con el extracto del mes")
        self.assertEqual(contract.state, "active")

    def test_backend_tour_desk(self):
        """A project shows its progress on the kanban and the list; the quick
        log shows one line per log and the client of each contract."""
        client = self.env["res.partner"].create(
            {"name": "Tour Client SpA", "is_company": True}
        )
        bag = self._sell(self.plan_bag, client)
        bag.user_id = self.user_consultant
        self._log(
            bag,
            1.0,
            objective="Revisar la conciliación bancaria\ncon el extracto\ndel mes\n"
            "y los pagos pendientes",
            activity="Se configuraron dos modelos\nde conciliación\ny una regla",
            next_steps="Probar\ncon\nel extracto",
        )
        plan = self._create_plan(
            "Tour project",
            "project",
            1000000,
            policy_id=self.env.ref("asesorateya_support.support_policy_agency").id,
        )
        project = self.env["support.contract"].create(
            {
                "partner_id": self.env["res.partner"]
                .create({"name": "Tour Project SpA", "is_company": True})
                .id,
                "plan_id": plan.id,
                "hours_included": 80.0,
                "amount_total": 1000000,
                "amount_paid": 500000,
                "state": "confirmed",
                "user_id": self.user_consultant.id,
                "project_item_ids": [
                    Command.create({"name": "Design", "weight": 50, "progress": 100}),
                    Command.create({"name": "Build", "weight": 50}),
                ],
            }
        )
        project.action_start()
        self.assertEqual(project.project_progress, 50.0)
        for tour in ("desk_kanban", "desk_list", "quick_log"):
            with self.subTest(tour=tour):
                self.start_tour(
                    f"/web#action=asesorateya_support.{ACTIONS[tour]}",
                    f"asesorateya_support_{tour}_tour",
                    login="sup_consultant",
                )
