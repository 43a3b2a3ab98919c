# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from contextlib import contextmanager, nullcontext

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests.common import TransactionCase, new_test_user

#: Groups of the test users: always the lowest that allow what they do.
GROUP_CONSULTANT = "asesorateya_support.asesorateya_support_group_user"
GROUP_MANAGER = "asesorateya_support.asesorateya_support_group_manager"
GROUP_SALESMAN = "sales_team.group_sale_salesman"
GROUP_PORTAL = "base.group_portal"


class SupportCommon(TransactionCase):
    """Fixtures of the support tests, built from scratch (no demo data).

    A Chilean company (CLP, 19% IVA included in prices), its consultant,
    manager and salesman, two client companies with portal users, and one
    plan of each kind sold through a service product.
    """

    #: Set to False in a subclass that tests mail and tracking.
    tracking_disable = True
    #: Set to True in a subclass that makes invoices or credit notes.
    with_accounting = False
    #: Set to True in a subclass that reads the session summaries: ``_log``
    #: then sends the summary of its log at once, as the queue would.
    send_summaries = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.tracking_disable:
            cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))

        cls.currency_clp = cls.env.ref("base.CLP")
        cls.currency_clp.active = True
        cls.company = cls.env["res.company"].create(
            {
                "name": "AsesórateYa Test SpA",
                "currency_id": cls.currency_clp.id,
                "country_id": cls.env.ref("base.cl").id,
            }
        )
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "Other Consultancy SpA",
                "currency_id": cls.currency_clp.id,
                "country_id": cls.env.ref("base.cl").id,
            }
        )
        # Work in the test company; the superuser may enter any company.
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )
        if cls.with_accounting:
            cls._setup_accounting()
        cls.tax_iva = cls._create_tax_iva()
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "CLP",
                "currency_id": cls.currency_clp.id,
                "company_id": cls.company.id,
            }
        )

        company_vals = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.user_consultant = new_test_user(
            cls.env, login="sup_consultant", groups=GROUP_CONSULTANT, **company_vals
        )
        cls.user_manager = new_test_user(
            cls.env, login="sup_manager", groups=GROUP_MANAGER, **company_vals
        )
        cls.user_salesman = new_test_user(
            cls.env, login="sup_salesman", groups=GROUP_SALESMAN, **company_vals
        )
        cls.user_consultant_b = new_test_user(
            cls.env,
            login="sup_consultant_b",
            groups=GROUP_CONSULTANT,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        # Consultants are employees: a session log is a timesheet line of
        # the consultant's employee (hr_timesheet).
        cls.employee_consultant, cls.employee_manager = cls._create_employees(
            cls.user_consultant | cls.user_manager, cls.company
        )
        cls.employee_consultant_b = cls._create_employees(
            cls.user_consultant_b, cls.company_b
        )

        Partner = cls.env["res.partner"]
        cls.client_a = Partner.create(
            {"name": "Cliente A SpA", "is_company": True, "email": "a@client-a.cl"}
        )
        cls.contact_a = Partner.create(
            {"name": "Ana A", "parent_id": cls.client_a.id, "email": "ana@client-a.cl"}
        )
        cls.contact_a2 = Partner.create(
            {
                "name": "Alberto A",
                "parent_id": cls.client_a.id,
                "email": "al@client-a.cl",
            }
        )
        cls.client_b = Partner.create(
            {"name": "Cliente B Ltda", "is_company": True, "email": "b@client-b.cl"}
        )
        cls.contact_b = Partner.create(
            {
                "name": "Berta B",
                "parent_id": cls.client_b.id,
                "email": "berta@client-b.cl",
            }
        )
        cls.user_portal_a = new_test_user(
            cls.env,
            login="sup_portal_a",
            groups=GROUP_PORTAL,
            partner_id=cls.contact_a.id,
            **company_vals,
        )
        cls.user_portal_a2 = new_test_user(
            cls.env,
            login="sup_portal_a2",
            groups=GROUP_PORTAL,
            partner_id=cls.contact_a2.id,
            **company_vals,
        )
        cls.user_portal_b = new_test_user(
            cls.env,
            login="sup_portal_b",
            groups=GROUP_PORTAL,
            partner_id=cls.contact_b.id,
            **company_vals,
        )

        cls.plan_diagnosis = cls._create_plan(
            "Diagnosis", "diagnosis", 60000, hours_included=1.0
        )
        cls.plan_incident = cls._create_plan(
            "Incident", "incident", 60000, hours_included=1.0
        )
        cls.plan_bag = cls._create_plan(
            "Bag 10 h", "hour_bag", 400000, hours_included=10.0
        )
        cls.plan_monthly = cls._create_plan(
            "Monthly 8 h",
            "monthly",
            300000,
            hours_included=8.0,
            meetings_per_month=2,
        )
        cls.product_other = cls.env["product.product"].create(
            {
                "name": "Odoo T-shirt",
                "type": "consu",
                "list_price": 11900,
                "taxes_id": [Command.set(cls.tax_iva.ids)],
                "company_id": cls.company.id,
            }
        )

    @classmethod
    def _setup_accounting(cls):
        """Give the test company a chart of accounts and journals.

        Refunds and extra invoices are ``account.move`` records: they need
        the journals and accounts a company gets with its chart. Loading a
        chart deletes the company's taxes: it runs before they are made.
        """
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        # The generic chart is American: it sets USD and the US as fiscal
        # country, which a company without entries may still undo.
        cls.company.write(
            {
                "currency_id": cls.currency_clp.id,
                "account_fiscal_country_id": cls.env.ref("base.cl").id,
            }
        )

    @classmethod
    def _create_tax_iva(cls):
        """The IVA 19% included in prices the plans are sold with."""
        cls.tax_group = cls.env["account.tax.group"].create(
            {"name": "IVA 19%", "company_id": cls.company.id}
        )
        return cls.env["account.tax"].create(
            {
                "name": "IVA 19% (included)",
                "amount": 19.0,
                "amount_type": "percent",
                "price_include": True,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
                "tax_group_id": cls.tax_group.id,
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @contextmanager
    def assertRaisesText(self, exception, text):
        """``assertRaises`` (which rolls back to a savepoint) plus the message.

        unittest's ``assertRaisesRegex`` is not wrapped in a savepoint by Odoo:
        what ran before the error would stay in the database and the cache.
        """
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))

    @classmethod
    def _create_employees(cls, users, company):
        """The employees of ``users`` in ``company``, one each, in order."""
        return cls.env["hr.employee"].create(
            [
                {"name": user.name, "user_id": user.id, "company_id": company.id}
                for user in users
            ]
        )

    @classmethod
    def _create_plan(cls, name, kind, price, **values):
        """A plan and its service product, priced IVA included."""
        product = cls.env["product.product"].create(
            {
                "name": f"Odoo {name}",
                "type": "service",
                "list_price": price,
                "taxes_id": [Command.set(cls.tax_iva.ids)],
                "company_id": cls.company.id,
                "invoice_policy": "order",
            }
        )
        return cls.env["support.plan"].create(
            dict(
                {
                    "name": name,
                    "kind": kind,
                    "product_id": product.id,
                    "company_id": cls.company.id,
                },
                **values,
            )
        )

    @classmethod
    def _create_order(
        cls, plan=None, partner=None, quantity=1, scope="Fix the invoices", **values
    ):
        """A draft sale order of ``plan``'s product, made by the salesman."""
        partner = partner or cls.client_a
        order_vals = {
            "partner_id": partner.id,
            "pricelist_id": cls.pricelist.id,
            "support_scope": scope,
            "order_line": [
                Command.create(
                    {
                        "product_id": (plan or cls.plan_bag).product_id.id,
                        "product_uom_qty": quantity,
                    }
                )
            ],
        }
        order_vals.update(values)
        return cls.env["sale.order"].with_user(cls.user_salesman).create(order_vals)

    @classmethod
    def _sell(cls, plan=None, partner=None, quantity=1, date=None, **values):
        """Sell ``plan`` through a confirmed sale order.

        :param date: the day of the sale (default: today). Confirming an order
            sets its date, so the sale itself happens on that day.
        :return: the contracts the order gave (as the superuser)
        """
        with freeze_time(f"{date} 12:00:00") if date else nullcontext():
            order = cls._create_order(plan, partner, quantity, **values)
            order.action_confirm()
        return order.with_env(cls.env).support_contract_ids

    @classmethod
    def _log(cls, contract, duration=1.0, date=None, user=None, **values):
        """Log a session on ``contract`` as the consultant.

        :param date: the session's day (default: today)
        """
        vals = {
            "contract_id": contract.id,
            "date": date or fields.Date.context_today(contract),
            "duration": duration,
            "objective": "Review the issue",
            "activity": "Fixed the configuration",
        }
        vals.update(values)
        if not vals["contract_id"]:
            vals.pop("contract_id")
        session = (
            cls.env["support.session"]
            .with_user(user or cls.user_consultant)
            .create(vals)
            .with_env(cls.env)
        )
        if cls.send_summaries and session.summary_state == "queued":
            session._send_summaries()
        return session


class SupportRetainerRollMixin:
    """A monthly retainer sold on 2026-03-01 and started the next day, and the
    cycle cron run on a given day: what the books' tests (generic chart and
    l10n_cl) build their cycles with."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron_roll = cls.env.ref("asesorateya_support.ir_cron_roll_periods")

    def _retainer(self, partner):
        contract = self._sell(self.plan_monthly, partner, date="2026-03-01")
        with freeze_time("2026-03-02 12:00:00"):
            contract.action_start("2026-03-02")
        return contract

    def _roll(self, day):
        with freeze_time(f"{day} 12:00:00"):
            self.cron_roll.method_direct_trigger()

    def _second(self, contract):
        return contract.period_ids.filtered(lambda p: p.sequence == 2)


class CreditBooksMixin:
    """The invariant of client credits in the books (README "Books"):
    what a client's credits still owe it equals what the ledger owes it for
    them, the open balance of the credits' credit notes."""

    def _credits_owed(self, partner):
        """What ``partner``'s credits owe it, from the credits alone: what is
        left of the available ones, plus their uses on orders whose invoice
        has not matched them yet (a quotation can still release them)."""
        credits = self.env["support.credit"].search(
            [("partner_id", "=", partner.commercial_partner_id.id)]
        )
        left = sum(c.amount_remaining for c in credits if c.state == "available")
        pending = sum(
            usage.amount
            for usage in credits.usage_ids
            if usage.state == "active"
            and not usage.partial_id
            and not usage.sale_line_id.qty_invoiced
        )
        return left + pending

    def _credits_in_ledger(self, partner):
        """What the ledger owes ``partner`` for its credits: the open balance
        of their credit notes' receivable items, read from the journal items."""
        credits = self.env["support.credit"].search(
            [("partner_id", "=", partner.commercial_partner_id.id)]
        )
        items = self.env["account.move.line"].search(
            [
                ("move_id", "in", credits.move_id.ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        return -sum(items.mapped("amount_residual"))

    def assertCreditsInBooks(self, partner, owed=None):
        """The credits of ``partner`` and the ledger agree (to the peso)."""
        self.env.flush_all()
        self.env.invalidate_all()
        in_credits = self._credits_owed(partner)
        self.assertEqual(in_credits, self._credits_in_ledger(partner))
        if owed is not None:
            self.assertEqual(in_credits, owed)
