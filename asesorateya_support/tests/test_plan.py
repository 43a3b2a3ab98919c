# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportPlan(SupportCommon):
    """The four kinds of service and what each plan may say (policy §1, §4)."""

    def _plan_vals(self, kind, **values):
        product = self.env["product.product"].create(
            {
                "name": f"Product {kind}",
                "type": "service",
                "company_id": self.company.id,
            }
        )
        vals = {
            "name": f"Plan {kind}",
            "kind": kind,
            "product_id": product.id,
            "company_id": self.company.id,
            "hours_included": 1.0,
        }
        vals.update(values)
        return vals

    def test_kinds(self):
        kinds = [
            key for key, _label in self.env["support.plan"]._fields["kind"].selection
        ]
        self.assertEqual(
            kinds, ["diagnosis", "incident", "hour_bag", "monthly", "project"]
        )
        self.assertEqual(self.plan_diagnosis.kind, "diagnosis")
        self.assertEqual(self.plan_incident.kind, "incident")
        self.assertEqual(self.plan_bag.kind, "hour_bag")
        self.assertEqual(self.plan_monthly.kind, "monthly")
        self.assertEqual(self.plan_bag.list_price, 400000.0)
        self.assertEqual(self.plan_monthly.currency_id, self.currency_clp)

    def test_single_session_kinds_have_one_hour(self):
        Plan = self.env["support.plan"]
        for kind in ("diagnosis", "incident"):
            with self.subTest(kind=kind):
                with self.assertRaisesText(ValidationError, "single one-hour"):
                    Plan.create(self._plan_vals(kind, hours_included=2.0))
                with self.assertRaisesText(ValidationError, "single one-hour"):
                    Plan.create(self._plan_vals(kind, hours_included=0.5))
                with self.assertRaisesText(ValidationError, "single one-hour"):
                    Plan.create(self._plan_vals(kind, session_length=2.0))
                plan = Plan.create(self._plan_vals(kind))
                self.assertEqual(plan.hours_included, 1.0)
        # A bag turned into a diagnosis keeps its 10 h: refused.
        with self.assertRaisesText(ValidationError, "single one-hour"):
            self.plan_bag.kind = "diagnosis"

    def test_hours_positive(self):
        Plan = self.env["support.plan"]
        for hours in (0.0, -1.0):
            with self.assertRaisesText(ValidationError, "must be positive"):
                Plan.create(self._plan_vals("hour_bag", hours_included=hours))
        for length in (0.0, 25.0):
            with self.assertRaisesText(ValidationError, "at most 24 hours"):
                Plan.create(self._plan_vals("hour_bag", session_length=length))

    def test_negative_counts_refused(self):
        Plan = self.env["support.plan"]
        for fname, kind in (
            ("meetings_per_month", "monthly"),
            ("validity_months", "hour_bag"),
            ("rollover_periods", "monthly"),
        ):
            with self.subTest(field=fname):
                with self.assertRaisesText(ValidationError, "cannot be negative"):
                    Plan.create(self._plan_vals(kind, **{fname: -1}))

    def test_rollover_only_monthly(self):
        Plan = self.env["support.plan"]
        for kind in ("diagnosis", "incident", "hour_bag"):
            with self.subTest(kind=kind):
                with self.assertRaisesText(ValidationError, "Only a monthly retainer"):
                    Plan.create(self._plan_vals(kind, rollover_periods=1))
        plan = Plan.create(
            self._plan_vals("monthly", hours_included=8, rollover_periods=1)
        )
        self.assertEqual(plan.rollover_periods, 1)

    def test_validity_only_bags(self):
        Plan = self.env["support.plan"]
        for kind in ("diagnosis", "incident", "monthly"):
            with self.subTest(kind=kind):
                with self.assertRaisesText(ValidationError, "Only an hour bag"):
                    Plan.create(self._plan_vals(kind, validity_months=3))
        plan = Plan.create(
            self._plan_vals("hour_bag", hours_included=10, validity_months=3)
        )
        self.assertEqual(plan.validity_months, 3)

    def test_product_must_be_service(self):
        goods = self.env["product.product"].create(
            {"name": "Goods", "type": "consu", "company_id": self.company.id}
        )
        with self.assertRaisesText(ValidationError, "must be a service"):
            self.env["support.plan"].create(
                dict(self._plan_vals("hour_bag"), product_id=goods.id)
            )
        with self.assertRaisesText(ValidationError, "must be a service"):
            self.plan_bag.product_id = goods

    def test_one_plan_per_product(self):
        vals = dict(self._plan_vals("hour_bag"), product_id=self.plan_bag.product_id.id)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["support.plan"].create(vals)

    def test_contract_count_and_action(self):
        contract = self.env["support.contract"].create(
            {"partner_id": self.client_a.id, "plan_id": self.plan_diagnosis.id}
        )
        self.assertEqual(self.plan_diagnosis.contract_count, 1)
        self.assertEqual(self.plan_incident.contract_count, 0)
        action = self.plan_diagnosis.action_view_contracts()
        self.assertEqual(
            self.env["support.contract"].search(action["domain"]), contract
        )

    def test_shipped_plans(self):
        """The plans of the policy, as installed: no roll-over, and neither a
        price nor a place in the shop until the admin prices them in the
        company's currency (a "60,000" would mean dollars in a USD company)."""
        expected = {
            "support_plan_diagnosis": ("diagnosis", 1.0, 0),
            "support_plan_incident": ("incident", 1.0, 0),
            "support_plan_hour_bag_10": ("hour_bag", 10.0, 0),
            "support_plan_monthly_8": ("monthly", 8.0, 2),
        }
        for xmlid, (kind, hours, meetings) in expected.items():
            with self.subTest(plan=xmlid):
                plan = self.env.ref(f"asesorateya_support.{xmlid}")
                self.assertEqual(plan.kind, kind)
                self.assertEqual(plan.hours_included, hours)
                self.assertEqual(plan.product_id.lst_price, 0.0)
                self.assertFalse(plan.product_id.is_published)
                self.assertEqual(plan.product_id.type, "service")
                self.assertEqual(plan.meetings_per_month, meetings)
                self.assertEqual(
                    plan.rollover_periods,
                    0,
                    "policy §7: unused monthly hours never carry over",
                )
                self.assertEqual(plan.validity_months, 0)

    def test_plan_company_product(self):
        """A plan sells a product of its own company (or a shared one)."""
        product_b = self.env["product.product"].create(
            {"name": "B service", "type": "service", "company_id": self.company_b.id}
        )
        with self.assertRaisesText(UserError, "Incompatible companies"):
            self.env["support.plan"].create(
                dict(self._plan_vals("hour_bag"), product_id=product_b.id)
            )
        shared = self.env["product.product"].create(
            {"name": "Shared", "type": "service", "company_id": False}
        )
        plan = self.env["support.plan"].create(
            dict(self._plan_vals("hour_bag"), product_id=shared.id)
        )
        self.assertEqual(plan.product_id, shared)

    def test_shop_terms(self):
        """A plan's page states what the plan includes and what cancelling
        gives back under the version in force (policy §1, §4, §7, §10)."""
        terms = self.plan_monthly._get_shop_terms()
        self.assertEqual(terms["policy"], self.plan_monthly._get_policy())
        self.assertEqual(
            terms["included"],
            [
                "8 h of work each monthly cycle, with priorities agreed at its "
                "start (policy §1, §9).",
                "2 meetings included each cycle.",
                "Hours not used in a month do not roll over (policy §7).",
                "Paid monthly in advance, at the start of each cycle; you may "
                "discontinue it with notice (policy §7, §8).",
                "After each session, a summary of the hours used and left; a "
                "warning before they run out (policy §4, §6).",
            ],
        )
        self.assertEqual(len(terms["conditions"]), 3)
        self.assertIn("within 10 days of the purchase", terms["conditions"][0])
        self.assertIn("valid 6 months", terms["conditions"][1])
        self.assertIn("current cycle", terms["conditions"][2])
        diagnosis = self.plan_diagnosis._get_shop_terms()
        self.assertIn("One working session of 1 h", diagnosis["included"][0])
        self.assertEqual(len(diagnosis["conditions"]), 2)
        bag = self.plan_bag._get_shop_terms()
        self.assertIn("10 h of technical work", bag["included"][0])

        # The terms follow the policy the plan names: no withdrawal window,
        # a refund once started; and half hours are said as such.
        policy = self.env["support.policy"].create(
            {
                "name": "Refund policy",
                "company_id": self.company.id,
                "version_ids": [
                    Command.create(
                        {
                            "date_from": "2026-01-01",
                            "withdrawal_days": 0,
                            "started_outcome": "refund",
                        }
                    )
                ],
            }
        )
        self.plan_bag.write({"policy_id": policy.id, "hours_included": 7.5})
        bag = self.plan_bag._get_shop_terms()
        self.assertIn("7 h 30 min of technical work", bag["included"][0])
        self.assertEqual(
            bag["conditions"],
            [
                "Once the service has started, the work done is charged and the "
                "unused balance is refunded (policy §10)."
            ],
        )
