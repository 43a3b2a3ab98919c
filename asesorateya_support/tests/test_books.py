# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.account.models.partner import (
    AccountFiscalPosition as OdooPosition,
)

from ..const import FPOS_BY_REGION_MEMO
from .common import SupportCommon, SupportRetainerRollMixin

PERIOD_LOGGER = "odoo.addons.asesorateya_support.models.support_contract_period"


@tagged("post_install", "-at_install")
class TestSupportBooks(SupportRetainerRollMixin, SupportCommon):
    """What the books get from the addon: a refused invoice never stops the
    others, drafts for the accountant, invoices linked to the order, prices
    that mean what they say (policy §8)."""

    with_accounting = True

    def test_one_refused_invoice_never_stops_the_run(self):
        # Client B's fiscal position adds a tax not included in the price to
        # the one included: Odoo cannot price its cycle (a mix).
        excluded = self.tax_iva.copy({"name": "Extra 1%", "amount": 1.0})
        excluded.price_include = False
        position = self.env["account.fiscal.position"].create(
            {
                "name": "Mixed",
                "company_id": self.company.id,
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": self.tax_iva.id, "tax_dest_id": self.tax_iva.id}
                    ),
                    Command.create(
                        {"tax_src_id": self.tax_iva.id, "tax_dest_id": excluded.id}
                    ),
                ],
            }
        )
        self.client_b.with_company(self.company).property_account_position_id = position
        good = self._retainer(self.client_a)
        refused = self._retainer(self.client_b)
        with self.assertLogs(PERIOD_LOGGER, "WARNING") as logs:
            self._roll("2026-04-02")
        self.assertEqual(len(logs.output), 1)
        self.assertIn("Cliente B Ltda", logs.output[0])
        self.assertEqual(self._second(good).invoice_id.state, "posted")
        second = self._second(refused)
        self.assertEqual(refused.period_ids.mapped("state"), ["closed", "open"])
        self.assertFalse(second.invoice_id)
        self.assertIn("mix prices", second.invoice_error)
        self.assertEqual(
            refused.activity_ids.filtered(
                lambda a: a.summary == second.invoice_error
            ).user_id,
            refused.user_id,
        )
        # Fixed, the next run issues it, dated that day, never back-dated.
        self.client_b.with_company(self.company).property_account_position_id = False
        self._roll("2026-04-05")
        self.assertEqual(second.invoice_id.state, "posted")
        self.assertEqual(str(second.invoice_id.invoice_date), "2026-04-05")
        self.assertFalse(second.invoice_error)
        self.assertFalse(refused.activity_ids)

    def test_fiscal_positions_by_region_in_one_run(self):
        # One batch bills clients of two regions: the fiscal positions Odoo
        # finds are searched once a region (_get_fpos_by_region), each client
        # still gets its own region's.
        argentina = self.env.ref("base.ar")
        export = self.env["account.fiscal.position"].create(
            {
                "name": "Clientes en Argentina",
                "company_id": self.company.id,
                "auto_apply": True,
                "country_id": argentina.id,
            }
        )
        self.client_b.country_id = argentina
        client_c = self.env["res.partner"].create(
            {
                "name": "Cliente C SRL",
                "is_company": True,
                "email": "c@client-c.com.ar",
                "country_id": argentina.id,
            }
        )
        contracts = [
            self._retainer(c) for c in (self.client_a, self.client_b, client_c)
        ]
        calls = []
        # Odoo's own search, under the addon's memo: counted, not replaced.
        search = OdooPosition._get_fpos_by_region

        def counted(position, *args, **kwargs):
            calls.append(args)
            return search(position, *args, **kwargs)

        with patch.object(OdooPosition, "_get_fpos_by_region", counted):
            self._roll("2026-04-02")
        invoices = [self._second(contract).invoice_id for contract in contracts]
        self.assertEqual([i.state for i in invoices], ["posted"] * 3)
        self.assertEqual(
            [i.fiscal_position_id for i in invoices],
            [self.env["account.fiscal.position"], export, export],
        )
        self.assertEqual(
            len([args for args in calls if args[0] == argentina.id]),
            1,
            "one search for the two clients in Argentina",
        )
        self.assertNotIn(FPOS_BY_REGION_MEMO, self.env.cr.cache, "closed after")
        # Outside a billing run, Odoo's search as it is.
        self.assertEqual(
            self.env["account.fiscal.position"]
            .with_company(self.company)
            ._get_fiscal_position(client_c),
            export,
        )

    def test_cycle_invoices_left_as_drafts(self):
        self.env["res.config.settings"].with_company(self.company).create(
            {"support_invoice_auto_post": False}
        ).execute()
        self.assertFalse(self.company.support_invoice_auto_post)
        contract = self._retainer(self.client_a)
        self._roll("2026-04-02")
        invoice = self._second(contract).invoice_id
        self.assertEqual(invoice.state, "draft")
        notes = contract.message_ids.filtered(lambda m: "new cycle" in (m.body or ""))
        self.assertFalse(notes, "nothing told before the accountant posts")
        invoice.action_post()
        self.assertIn(invoice.name, contract.message_ids[0].body)
        # Idempotent: the draft is the cycle's invoice, no second one.
        self._roll("2026-04-03")
        self.assertEqual(self._second(contract).invoice_id, invoice)

    def test_cycle_invoice_linked_to_the_order_line(self):
        contract = self._retainer(self.client_a)
        line = contract.sale_line_id
        self._roll("2026-04-02")
        invoice = self._second(contract).invoice_id
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids, line)
        self.assertEqual(line.order_id.invoice_ids, invoice)
        self.assertEqual(line.qty_invoiced, 0.0, "the order's own sale, not the cycle")
        self.assertEqual(line.order_id.invoice_status, "to invoice")
        order_invoice = line.order_id._create_invoices()
        self.assertEqual(order_invoice.invoice_line_ids.quantity, 1.0)
        order_invoice.action_post()
        self.assertEqual(line.qty_invoiced, 1.0)
        self.assertEqual(line.order_id.invoice_status, "invoiced")
        self.assertEqual(line.order_id.invoice_ids, invoice | order_invoice)

    def test_plan_tax_not_included_refused_at_configuration(self):
        excluded = self.tax_iva.copy({"name": "IVA 19% (excluded)"})
        excluded.price_include = False
        product = self.plan_bag.product_id
        with self.assertRaisesText(ValidationError, "shown with IVA included"):
            product.taxes_id = excluded
        self.assertEqual(product.taxes_id, self.tax_iva)
        # A plan without a price yet (as the addon's data ships them) is not
        # sold: its taxes are checked when it gets a price.
        product.list_price = 0
        product.taxes_id = excluded
        with self.assertRaisesText(ValidationError, "IVA 19% (excluded)"):
            product.list_price = 400000

    def test_refund_with_tax_not_included_in_the_sale(self):
        """A sale line whose tax was changed to one added to the price: the
        refund is still made, from what the client paid."""
        excluded = self.tax_iva.copy({"name": "IVA 19% (excluded)"})
        excluded.price_include = False
        order = self._create_order(self.plan_bag)
        order.order_line.tax_id = excluded
        with freeze_time("2026-03-02 12:00:00"):
            order.action_confirm()
        bag = order.support_contract_ids
        self.assertEqual(bag.amount_paid, 476000.0)
        with freeze_time("2026-03-05 12:00:00"):
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                reason="Changed plans"
            )
        move = cancellation.with_env(self.env).refund_move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.amount_total, 476000.0)
        self.assertEqual(move.amount_untaxed, 400000.0)

    def _receivable(self, partner):
        """What the ledger says the client owes (negative: owed to it)."""
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance"))

    def test_refund_of_an_order_never_invoiced_reverses_its_invoice(self):
        bag = self._sell(self.plan_bag, date="2026-03-02")
        order = bag.sale_order_id
        self.assertFalse(order.invoice_ids)
        with freeze_time("2026-03-25 12:00:00"):
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                reason="Changed plans"
            )
        refund = cancellation.with_env(self.env).refund_move_id
        invoice = order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
        self.assertEqual(invoice.state, "posted", "the sale's document is issued")
        self.assertEqual(invoice.amount_total, 400000.0)
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.amount_total, 400000.0)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(self._receivable(self.client_a), 0.0)
        self.assertEqual(order.order_line.qty_invoiced, 1.0)
