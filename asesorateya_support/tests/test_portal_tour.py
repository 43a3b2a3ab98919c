# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tours in headless Chromium: the client in the portal, the
consultant in the backend."""

from odoo import fields
from odoo.tests import tagged

from .common_portal import SupportPortalCommon


@tagged("post_install", "-at_install")
class TestSupportTours(SupportPortalCommon):
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
