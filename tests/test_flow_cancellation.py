# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whole flows of the cancellation policy, as the people of a consultancy live them.

1. Support policy: a diagnosis turns out bigger and becomes a credit (§5); the
   client buys an hour bag with it, works 3.5 h, then cancels and asks for a
   refund instead of the credit; a consultant records it, a consultant cannot
   approve it, a manager does, and a credit note is posted (§10).
2. Agency policy: a web project sold with its 50% deposit, items and progress
   in 10% steps, two free revision rounds and a billed third, an aesthetic
   claim answered without moving money, then a cancellation that invoices the
   work beyond the deposit (§3, §4, §5, §7).

Runs on the installed database through pytest-odoo.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests.common import SupportCommon

CREDIT_PRODUCT = "asesorateya_support.product_product_client_credit"


@tagged("post_install", "-at_install")
class TestFlowCancellation(SupportCommon):
    with_accounting = True

    def test_diagnosis_credit_bag_then_refund_approved(self):
        # 1. A diagnosis, held; the case exceeds its scope: converted to a credit.
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a, date="2026-03-02")
        with freeze_time("2026-03-04 12:00:00"):
            self._log(diagnosis, 1.0, date="2026-03-04")
            self.assertEqual(diagnosis.state, "done")
            quote = diagnosis.cancellation_quote()
            self.assertEqual(
                (quote["work_done_amount"], quote["refundable_amount"]), (60000, 0)
            )
            credit = diagnosis.with_user(self.user_consultant).action_convert_to_credit(
                "The stock valuation needs a 10 h project, not a session."
            )
            credit = credit.with_env(self.env)
        self.assertEqual((credit.amount, credit.origin), (60000, "conversion"))
        # Support §5 sets no expiry for the converted amount; the 6 months of
        # §10 are a cancellation's (issue 13, item 7).
        self.assertFalse(credit.date_expiry)
        with freeze_time("2026-03-04 12:00:00"), self.assertRaises(UserError):
            diagnosis.with_user(self.user_consultant).action_convert_to_credit("Again")

        # 2. The bag of the proposal, bought with the credit: 400.000 - 60.000.
        with freeze_time("2026-03-05 12:00:00"):
            order = self._create_order(self.plan_bag, self.contact_a)
            order.action_apply_support_credits()
            self.assertEqual(order.amount_total, 340000)
            order.action_confirm()
        bag = order.with_env(self.env).support_contract_ids
        self.assertEqual((bag.amount_paid, bag.state), (400000, "confirmed"))
        self.assertEqual((credit.amount_remaining, credit.state), (0, "used"))
        self.assertEqual(len(bag), 1, "the credit line gives no contract")

        # 3. Work, then the client cancels and asks for its money.
        with freeze_time("2026-03-20 12:00:00"):
            self._log(bag, 2.0, date="2026-03-18")
            self._log(bag, 1.5, date="2026-03-20")
        with freeze_time("2026-04-10 12:00:00"):
            quote = bag.with_user(self.user_consultant).cancellation_quote()
            self.assertEqual(
                (
                    quote["legal_basis"],
                    quote["work_done_amount"],
                    quote["credit_amount"],
                    quote["credit_expiry_date"],
                ),
                ("after_start", 140000, 260000, date(2026, 10, 10)),
            )
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                preference="refund", reason="Email of 2026-04-10: refund, please"
            )
            cancellation = cancellation.with_env(self.env)
            self.assertEqual(cancellation.state, "to_approve")
            self.assertEqual(bag.state, "cancelled")
            with self.assertRaises(UserError):
                self._log(bag, 1.0, date="2026-04-10")
            with self.assertRaises(AccessError):
                cancellation.with_user(self.user_consultant).action_approve_refund()
            cancellation.with_user(self.user_manager).action_approve_refund(
                "Refund by bank transfer, work done deducted"
            )
        refund = cancellation.refund_move_id
        self.assertEqual(
            (refund.move_type, refund.state, refund.amount_total, refund.partner_id),
            ("out_refund", "posted", 260000, self.client_a),
        )
        self.assertEqual(cancellation.decided_by_id, self.user_manager)
        self.assertFalse(cancellation.credit_id, "a refund instead of the credit")
        with self.assertRaises(UserError):
            bag.action_cancel_by_policy()
        # The contact who bought is emailed the request, then the decision;
        # both stay on the contract.
        told = bag.message_ids.filtered(
            lambda m: (
                cancellation.name in (m.body or "") and self.contact_a in m.partner_ids
            )
        )
        self.assertEqual(len(told), 2)

    def test_agency_project_from_sale_to_cancellation(self):
        agency = self.env.ref("asesorateya_support.support_policy_agency")
        plan = self._create_plan("Web project", "project", 2000000, policy_id=agency.id)
        project = self._sell(plan, self.contact_a, date="2026-02-02", scope=False)
        self.assertEqual(
            (project.amount_total, project.amount_paid, project.amount_deposit),
            (2000000, 1000000, 1000000),
        )
        project.write(
            {
                "project_item_ids": [
                    Command.create({"name": "Design", "weight": 30}),
                    Command.create({"name": "Development", "weight": 50}),
                    Command.create({"name": "Content", "weight": 20}),
                ]
            }
        )
        with freeze_time("2026-02-05 12:00:00"):
            project.action_start("2026-02-05")
        design, development, _content = project.project_item_ids

        with freeze_time("2026-03-10 12:00:00"):
            design.progress = 100
            with self.assertRaises(ValidationError):
                development.progress = 35
            development.progress = 70
            # Two rounds included, the third billed on the project's order.
            Revision = self.env["support.revision"].with_user(self.user_consultant)
            rounds = [
                Revision.create(
                    {"contract_id": project.id, "description": f"Round {n}"}
                ).with_env(self.env)
                for n in (1, 2, 3)
            ]
            self.assertEqual([r.is_extra for r in rounds], [False, False, True])
            self.assertEqual(rounds[2].sale_line_id.price_total, 150000)
            # A claim of taste, in writing, answered under §5.4.
            moves_before = self.env["account.move"].search_count([])
            claim = (
                self.env["support.claim"]
                .with_user(self.user_consultant)
                .create(
                    {
                        "partner_id": self.client_a.id,
                        "contract_id": project.id,
                        "claim_type": "aesthetic",
                        "document_reference": project.sale_order_id.name,
                        "contract_date": "2026-02-02",
                        "reasons": "We do not like the colours of the home page "
                        "and want the deposit back.",
                    }
                )
                .with_env(self.env)
            )
            self.assertEqual(claim.date_due, date(2026, 3, 20))
            claim.with_user(self.user_consultant).action_answer()
            self.assertEqual(claim.state, "answered")
            self.assertIn("5.4", claim.answer)
            self.assertEqual(self.env["account.move"].search_count([]), moves_before)

        with freeze_time("2026-03-15 12:00:00"):
            quote = project.cancellation_quote()
            self.assertEqual(
                (
                    quote["work_done_amount"],
                    quote["refundable_amount"],
                    quote["extra_invoice_amount"],
                ),
                (1300000, 0, 300000),
            )
            cancellation = project.with_user(
                self.user_consultant
            ).action_cancel_by_policy(reason="The client closes its online shop")
        invoice = cancellation.with_env(self.env).extra_move_id
        self.assertEqual(
            (invoice.move_type, invoice.state, invoice.amount_total),
            ("out_invoice", "posted", 300000),
        )
        self.assertEqual(project.state, "cancelled")
        with self.assertRaises(UserError):
            design.progress = 90
