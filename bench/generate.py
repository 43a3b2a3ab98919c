# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate the benchmark database's data (run by bench/bench.py in-process).

On a database where asesorateya_support and hr_timesheet are installed
without demo data, builds one CLP company with IVA included and:

- a portal client with hour bags of 10, 1,000 and 10,000 session logs, the
  sale orders that sold them plus more orders (Odoo's /my/orders), and a
  portal project with as many timesheet lines (Odoo's /my/timesheets);
- a consultant (with an employee, for timesheets);
- 10,000 monthly retainers whose first cycle ended yesterday, for the
  cycle-closing cron.

Everything is created through the ORM (the same code paths as real use), in
batches, committing as it goes.
"""
# pylint: disable=invalid-commit

import logging
from datetime import date, timedelta

from odoo import Command

_logger = logging.getLogger("asesorateya.bench")

#: Session logs per hour bag, as the issue asks.
LOG_SIZES = (10, 1000, 10000)
#: Monthly retainers, each with one cycle for the cron to close.
MONTHLY_CONTRACTS = 10000
#: Extra confirmed sale orders of the client (so /my/orders has a full page).
EXTRA_ORDERS = 100
BATCH = 1000


def generate(env, log_sizes=LOG_SIZES, monthly_contracts=MONTHLY_CONTRACTS):
    """Create the data; return the ids bench.py needs (a JSON-able dict)."""
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    cr = env.cr
    today = date.today()
    clp = env.ref("base.CLP")
    clp.active = True
    company = env["res.company"].create(
        {"name": "Bench Consultancy SpA", "currency_id": clp.id}
    )
    company.write({"country_id": env.ref("base.cl").id})
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    admin = env.ref("base.user_admin")
    admin.write({"company_ids": [Command.link(company.id)]})
    tax_group = env["account.tax.group"].create(
        {"name": "IVA 19%", "company_id": company.id}
    )
    tax = env["account.tax"].create(
        {
            "name": "IVA 19% (included)",
            "amount": 19.0,
            "price_include": True,
            "type_tax_use": "sale",
            "company_id": company.id,
            "tax_group_id": tax_group.id,
        }
    )
    pricelist = env["product.pricelist"].create(
        {"name": "CLP", "currency_id": clp.id, "company_id": company.id}
    )

    def plan(name, kind, price, hours):
        product = env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "taxes_id": [Command.set(tax.ids)],
                "company_id": company.id,
                "invoice_policy": "order",
            }
        )
        return env["support.plan"].create(
            {
                "name": name,
                "kind": kind,
                "product_id": product.id,
                "hours_included": hours,
                "company_id": company.id,
            }
        )

    plan_bag = plan("Bench bag", "hour_bag", 300000000, 100000.0)
    plan_monthly = plan("Bench monthly", "monthly", 300000, 8.0)

    groups_consultant = env.ref("asesorateya_support.asesorateya_support_group_user")
    consultant = env["res.users"].create(
        {
            "name": "Bench Consultant",
            "login": "bench_consultant",
            "password": "bench_consultant",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [
                Command.link(groups_consultant.id),
                Command.link(env.ref("hr_timesheet.group_hr_timesheet_user").id),
                Command.link(env.ref("sales_team.group_sale_salesman").id),
            ],
        }
    )
    employee = env["hr.employee"].create(
        {"name": "Bench Consultant", "user_id": consultant.id, "company_id": company.id}
    )
    client = env["res.partner"].create(
        {"name": "Bench Client SpA", "is_company": True, "email": "client@bench.cl"}
    )
    contact = env["res.partner"].create(
        {"name": "Bench Contact", "parent_id": client.id, "email": "contact@bench.cl"}
    )
    portal_user = env["res.users"].create(
        {
            "name": "Bench Contact",
            "login": "bench_portal",
            "password": "bench_portal",
            "partner_id": contact.id,
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [Command.set(env.ref("base.group_portal").ids)],
        }
    )
    cr.commit()

    # Hour bags sold on sale orders, each with its logs.
    bags = {}
    Session = env["support.session"].with_user(consultant)
    for size in log_sizes:
        order = env["sale.order"].create(
            {
                "partner_id": contact.id,
                "company_id": company.id,
                "pricelist_id": pricelist.id,
                "support_scope": "Benchmark scope",
                "order_line": [Command.create({"product_id": plan_bag.product_id.id})],
            }
        )
        order.action_confirm()
        bag = order.support_contract_ids
        bag.date_purchase = today - timedelta(days=60)
        for start in range(0, size, BATCH):
            Session.create(
                [
                    {
                        "contract_id": bag.id,
                        "date": today - timedelta(days=30),
                        "duration": 0.25,
                        "objective": f"Task {index}",
                        "activity": "Done",
                        "next_steps": "Next",
                    }
                    for index in range(start, min(start + BATCH, size))
                ]
            )
            cr.commit()
        bags[size] = bag.id
        _logger.info("bench: bag with %s logs", size)

    # More orders of the client: a full page of /my/orders.
    for start in range(0, EXTRA_ORDERS, 50):
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": contact.id,
                    "company_id": company.id,
                    "pricelist_id": pricelist.id,
                    "order_line": [
                        Command.create(
                            {"product_id": plan_bag.product_id.id, "price_unit": 1000}
                        )
                    ],
                    "support_scope": "Scope",
                }
                for _index in range(start, min(start + 50, EXTRA_ORDERS))
            ]
        )
        orders.action_confirm()
        cr.commit()

    # Odoo's timesheets on a portal project of the client: the anchor.
    project = env["project.project"].create(
        {
            "name": "Bench client project",
            "partner_id": client.id,
            "company_id": company.id,
            "privacy_visibility": "portal",
            "allow_timesheets": True,
        }
    )
    project.message_subscribe(partner_ids=client.ids)
    task = env["project.task"].create(
        {"name": "Support", "project_id": project.id, "company_id": company.id}
    )
    Line = env["account.analytic.line"].with_user(consultant)
    for start in range(0, max(log_sizes), BATCH):
        Line.create(
            [
                {
                    "project_id": project.id,
                    "task_id": task.id,
                    "employee_id": employee.id,
                    "date": today - timedelta(days=30),
                    "unit_amount": 0.25,
                    "name": f"Task {index}",
                }
                for index in range(start, min(start + BATCH, max(log_sizes)))
            ]
        )
        cr.commit()
    _logger.info("bench: %s timesheet lines", max(log_sizes))

    # Monthly retainers whose first cycle ended yesterday.
    first_day = today - timedelta(days=1)
    first_day = first_day.replace(day=1) if first_day.day != 1 else first_day
    Contract = env["support.contract"]
    start_day = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    for start in range(0, monthly_contracts, BATCH):
        contracts = Contract.create(
            [
                {
                    "partner_id": client.id,
                    "plan_id": plan_monthly.id,
                    "company_id": company.id,
                    "amount_paid": 300000,
                    "date_purchase": start_day,
                    "state": "confirmed",
                }
                for _index in range(start, min(start + BATCH, monthly_contracts))
            ]
        )
        for contract in contracts:
            contract.action_start(start_day)
        cr.commit()
        _logger.info("bench: %s monthly contracts", start + len(contracts))

    return {
        "company_id": company.id,
        "consultant_id": consultant.id,
        "portal_user_id": portal_user.id,
        "client_id": client.id,
        "bags": {str(size): bag_id for size, bag_id in bags.items()},
        "project_id": project.id,
        "task_id": task.id,
        "employee_id": employee.id,
        "plan_bag_id": plan_bag.id,
        "plan_monthly_id": plan_monthly.id,
    }
