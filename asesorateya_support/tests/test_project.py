# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15 12:00:00")
class TestSupportProject(SupportCommon):
    """Fixed-price projects under the agency policy (§3, §4): worked example 7."""

    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env.ref("asesorateya_support.support_policy_agency")
        cls.plan_project = cls._create_plan(
            "Web project", "project", 2000000, policy_id=cls.agency.id
        )

    def _project(self, start=True):
        project = self.env["support.contract"].create(
            {
                "partner_id": self.client_a.id,
                "plan_id": self.plan_project.id,
                "date_purchase": "2026-05-04",
                "amount_total": 2000000,
                "amount_paid": 1000000,
                "state": "confirmed",
                "project_item_ids": [
                    Command.create({"name": "Design", "weight": 30}),
                    Command.create({"name": "Development", "weight": 50}),
                    Command.create({"name": "Content", "weight": 20}),
                ],
            }
        )
        if start:
            project.action_start("2026-05-05")
        return project

    def _progress(self, project, *values):
        for item, value in zip(project.project_item_ids, values, strict=True):
            item.progress = value

    def test_governed_by_the_agency_policy(self):
        project = self._project()
        self.assertEqual(project.policy_version_id, self.agency.current_version_id)
        self.assertEqual(project.amount_deposit, 1000000.0)
        self.assertEqual(project.date_start, date(2026, 5, 5))

    def test_example_7_progress_within_the_deposit(self):
        project = self._project()
        self._progress(project, 100, 40, 0)
        self.assertEqual(project.project_progress, 50.0)
        quote = project.cancellation_quote()
        self.assertEqual(quote["phase"], "started")
        self.assertEqual(quote["work_done_amount"], 1000000.0)
        self.assertEqual(quote["refundable_amount"], 0.0)
        self.assertEqual(quote["refund_amount"], 0.0)
        self.assertEqual(quote["extra_invoice_amount"], 0.0)
        cancellation = project.action_cancel_by_policy(reason="Budget cut")
        self.assertEqual(cancellation.decision, "none")
        self.assertFalse(cancellation.extra_move_id)

    def test_example_7_progress_beyond_the_deposit(self):
        project = self._project()
        self._progress(project, 100, 70, 0)
        quote = project.cancellation_quote()
        self.assertEqual(quote["work_done_amount"], 1300000.0)
        self.assertEqual(quote["refundable_amount"], 0.0)
        self.assertEqual(quote["extra_invoice_amount"], 300000.0)
        self.assertIn("§4.2", quote["explanation"])
        cancellation = project.action_cancel_by_policy(reason="Budget cut")
        invoice = cancellation.extra_move_id
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 300000.0)
        self.assertEqual(invoice.partner_id, self.client_a)
        self.assertEqual(project.state, "cancelled")

    def test_example_7_progress_off_the_step_refused(self):
        project = self._project()
        with self.assertRaisesText(ValidationError, "steps of 10%"):
            project.project_item_ids[1].progress = 35
        self.assertEqual(project.project_item_ids[1].progress, 0.0)
        for value in (-10, 110):
            with self.assertRaisesText(ValidationError, "between 0% and 100%"):
                project.project_item_ids[1].progress = value

    def test_progress_keeps_a_trail(self):
        project = self._project()
        project.project_item_ids[0].progress = 40
        self.assertTrue(
            project.message_ids.filtered(lambda m: "0% → 40%" in (m.body or ""))
        )

    def test_deposit_never_refunded_before_start(self):
        project = self._project(start=False)
        quote = project.cancellation_quote()
        self.assertEqual(quote["legal_basis"], "before_start")
        self.assertEqual(quote["refundable_amount"], 0.0, "the deposit is kept")
        self.assertEqual(quote["work_done_amount"], 0.0)
        # A client who paid more than the deposit gets the rest back.
        project.amount_paid = 1500000
        quote = project.cancellation_quote()
        self.assertEqual(quote["refund_amount"], 500000.0)

    def test_weights_must_add_up(self):
        project = self._project(start=False)
        project.project_item_ids[2].weight = 10
        with self.assertRaisesText(UserError, "add up to 90"):
            project.action_start("2026-05-05")
        project.project_item_ids[2].weight = 20
        project.action_start("2026-05-05")
        with self.assertRaisesText(UserError, "work has started"):
            project.project_item_ids[2].weight = 30
        with self.assertRaisesText(UserError, "work has started"):
            project.project_item_ids[2].unlink()

    def test_sold_on_a_sale_order(self):
        project = self._sell(self.plan_project, date="2026-06-01", scope=False)
        self.assertEqual(project.amount_total, 2000000.0)
        self.assertEqual(project.amount_paid, 1000000.0, "the 50% deposit")
        self.assertEqual(project.amount_deposit, 1000000.0)
        self.assertEqual(project.policy_version_id, self.agency.current_version_id)
        quote = project.cancellation_quote()
        self.assertEqual(quote["legal_basis"], "before_start")
        self.assertEqual(quote["refundable_amount"], 0.0)

    def test_items_only_on_projects(self):
        bag = self._sell(self.plan_bag, date="2026-06-01")
        with self.assertRaisesText(ValidationError, "Only a project"):
            self.env["support.project.item"].create(
                {"contract_id": bag.id, "name": "X", "weight": 100}
            )
