# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportSale(SupportCommon):
    """Confirming a sale order of a support product gives its contracts."""

    def _contracts_of(self, order):
        return self.env["support.contract"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )

    @freeze_time("2026-01-15 12:00:00")
    def test_bag_two_units_two_contracts(self):
        """Two units of a bag give two contracts of one unit's price each."""
        order = self._create_order(self.plan_bag, partner=self.contact_a, quantity=2)
        line = order.order_line
        self.assertEqual(order.currency_id, self.currency_clp)
        self.assertEqual(line.price_total, 800000.0, "the price includes IVA")
        self.assertEqual(line.price_subtotal, 672269.0, "800.000 / 1,19 in CLP")
        order.action_confirm()
        contracts = self._contracts_of(order)
        self.assertEqual(len(contracts), 2)
        self.assertEqual(order.support_contract_count, 2)
        self.assertEqual(sorted(contracts.mapped("sale_line_unit")), [1, 2])
        for contract in contracts:
            self.assertEqual(contract.amount_paid, 400000.0)
            self.assertEqual(contract.currency_id, self.currency_clp)
            self.assertEqual(contract.hours_included, 10.0)
            self.assertEqual(contract.hours_remaining, 10.0)
            self.assertEqual(
                contract.partner_id,
                self.client_a,
                "the contract is the client company's, not the contact's",
            )
            self.assertEqual(contract.state, "confirmed")
            self.assertEqual(contract.sale_line_id, line)
            self.assertEqual(contract.sale_order_id, order)
            self.assertEqual(contract.plan_id, self.plan_bag)
            self.assertEqual(contract.kind, "hour_bag")
            self.assertEqual(contract.scope, "Fix the invoices")
            self.assertEqual(contract.date_purchase, date(2026, 1, 15))
            self.assertFalse(contract.date_start, "nothing started yet")
            self.assertTrue(contract.name.startswith("SOP/2026/"))
        self.assertEqual(len(set(contracts.mapped("name"))), 2)

    @freeze_time("2026-01-15 12:00:00")
    def test_confirm_again_creates_nothing(self):
        """Creating the contracts again for a confirmed order is a no-op."""
        order = self._create_order(self.plan_bag, quantity=2)
        order.action_confirm()
        self.assertEqual(len(self._contracts_of(order)), 2)
        created = order.order_line._support_create_contracts()
        self.assertFalse(created)
        order._action_confirm()
        self.assertEqual(len(self._contracts_of(order)), 2)

    @freeze_time("2026-01-15 12:00:00")
    def test_added_unit_gives_only_the_missing_contract(self):
        """A unit added to a confirmed line gives one more contract, not two."""
        order = self._create_order(self.plan_bag, quantity=1)
        order.action_confirm()
        order.order_line.product_uom_qty = 2
        created = order.order_line._support_create_contracts()
        self.assertEqual(len(created), 1)
        self.assertEqual(created.sale_line_unit, 2)
        self.assertEqual(len(self._contracts_of(order)), 2)

    @freeze_time("2026-01-15 12:00:00")
    def test_bag_without_scope_refused(self):
        """An hour bag is only sold with a validated scope (policy §2)."""
        order = self._create_order(self.plan_bag, scope=False)
        with self.assertRaisesText(ValidationError, "validated scope"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(self._contracts_of(order))
        # Blank is no scope either.
        order.support_scope = "   "
        with self.assertRaises(ValidationError):
            order.action_confirm()
        self.assertFalse(self._contracts_of(order))

    @freeze_time("2026-01-15 12:00:00")
    def test_diagnosis_needs_no_scope(self):
        """Services bought straight from the shop need no validated scope."""
        contract = self._sell(self.plan_diagnosis, scope=False)
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.hours_included, 1.0)
        self.assertEqual(contract.amount_paid, 60000.0)
        self.assertEqual(contract.state, "confirmed")

    @freeze_time("2026-01-15 12:00:00")
    def test_monthly_sale_confirmed_not_started(self):
        """A sold retainer waits for its first cycle: no cycle yet."""
        contract = self._sell(self.plan_monthly)
        self.assertEqual(contract.kind, "monthly")
        self.assertEqual(contract.hours_included, 8.0)
        self.assertEqual(contract.amount_paid, 300000.0)
        self.assertEqual(contract.meetings_per_month, 2)
        self.assertFalse(contract.period_ids)
        self.assertEqual(contract.state, "confirmed")

    @freeze_time("2026-01-15 12:00:00")
    def test_fractional_quantity_refused(self):
        """One unit is one service: half a bag is not sold."""
        order = self._create_order(self.plan_bag, quantity=1.5)
        with self.assertRaisesText(UserError, "whole units"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(self._contracts_of(order))

    @freeze_time("2026-01-15 12:00:00")
    def test_non_support_product_creates_nothing(self):
        order = self._create_order(self.plan_bag)
        order.order_line = [Command.clear()]
        order.order_line = [
            Command.create({"product_id": self.product_other.id, "product_uom_qty": 2})
        ]
        self.assertFalse(order.has_support_plan)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.support_contract_ids)
        self.assertFalse(self._contracts_of(order))

    @freeze_time("2026-01-15 12:00:00")
    def test_mixed_order_only_support_lines(self):
        """In an order with a support line and other goods, only the first counts."""
        order = self._create_order(self.plan_incident, scope=False)
        order.order_line = [
            Command.create({"product_id": self.product_other.id, "product_uom_qty": 1})
        ]
        self.assertTrue(order.has_support_plan)
        order.action_confirm()
        self.assertEqual(len(order.support_contract_ids), 1)
        self.assertEqual(order.support_contract_ids.plan_id, self.plan_incident)
        action = order.action_view_support_contracts()
        self.assertEqual(action["res_id"], order.support_contract_ids.id)

    @freeze_time("2026-01-15 12:00:00")
    def test_amount_from_other_currency_rounded_once(self):
        """A unit's price in USD is converted to CLP and rounded only at the end."""
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].create(
            [
                {
                    "currency_id": usd.id,
                    "name": "2026-01-01",
                    "rate": 0.0011,
                    "company_id": self.company.id,
                },
                {
                    "currency_id": self.currency_clp.id,
                    "name": "2026-01-01",
                    "rate": 1.0,
                    "company_id": self.company.id,
                },
            ]
        )
        pricelist_usd = self.env["product.pricelist"].create(
            {"name": "USD", "currency_id": usd.id, "company_id": self.company.id}
        )
        order = self._create_order(
            self.plan_bag, quantity=3, pricelist_id=pricelist_usd.id
        )
        order.order_line.write({"price_unit": 33.33, "discount": 10.0})
        self.assertEqual(order.currency_id, usd)
        # 33,33 x 0,9 x 3 = 89,991 -> 89,99 USD IVA included for three units.
        self.assertAlmostEqual(order.order_line.price_total, 89.99)
        order.action_confirm()
        contracts = order.support_contract_ids
        self.assertEqual(len(contracts), 3)
        # 89,99 / 3 = 29,99667 USD = 27.269,70 CLP -> 27.270 CLP. Rounding the
        # unit in USD first (30,00 USD) would give 27.273 CLP.
        self.assertEqual(contracts.mapped("amount_paid"), [27270.0] * 3)
        self.assertEqual(contracts.currency_id, self.currency_clp)
