# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate the benchmark database's data (run by bench/bench.py in-process).

On a database where asesorateya_support and hr_timesheet are installed
without demo data, builds one CLP company with IVA included and:

- a portal client with hour bags of 10, 1,000 and 10,000 session logs (and
  one more, without logs, that the measured session logs go to), the
  sale orders that sold them plus more orders (Odoo's /my/orders), and a
  portal project with as many timesheet lines (Odoo's /my/timesheets), and a
  task of a billable project sold as prepaid hours (where Odoo's plain
  timesheet line is created as a session log's is);
- a consultant (with an employee, for timesheets);
- 10,000 monthly retainers whose first cycle ended yesterday, for the
  cycle-closing cron;
- for each of 10 and 10,000, a consultant with that many calendar events who
  takes the bookings of a bag of the client (the booking page).

Everything is created through the ORM (the same code paths as real use), in
batches, committing as it goes.
"""
# pylint: disable=invalid-commit

import logging
from datetime import date, datetime, timedelta

from odoo import Command

_logger = logging.getLogger("asesorateya.bench")

#: Session logs per hour bag, as the issue asks.
LOG_SIZES = (10, 1000, 10000)
#: Monthly retainers, each with one cycle for the cron to close.
MONTHLY_CONTRACTS = 10000
#: Extra confirmed sale orders of the client (so /my/orders has a full page).
EXTRA_ORDERS = 100
BATCH = 1000
#: Calendar events of the consultants who take bookings: one consultant per
#: size, each with the booking page of a contract of the client.
EVENT_SIZES = (10, 10000)


def generate(
    env,
    log_sizes=LOG_SIZES,
    monthly_contracts=MONTHLY_CONTRACTS,
    event_sizes=EVENT_SIZES,
):
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
    def sell_bag():
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
        return bag

    bags = {}
    Session = env["support.session"].with_user(consultant)
    for size in log_sizes:
        bag = sell_bag()
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
    # The bag the measured session logs go to: the bags above keep their
    # 10 / 1,000 / 10,000 logs, run after run (--reuse).
    log_bag = sell_bag()
    cr.commit()

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
    prepaid_task = _prepaid_hours_task(env, company, client, contact, pricelist, tax)

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
                    "state": "active",
                    "date_start": start_day,
                }
                for _index in range(start, min(start + BATCH, monthly_contracts))
            ]
        )
        _start_monthly(env, contracts, start_day)
        cr.commit()
        _logger.info("bench: %s monthly contracts", start + len(contracts))

    booking = _generate_bookings(env, company, client, event_sizes, groups_consultant)

    return {
        "bookings": booking,
        "company_id": company.id,
        "consultant_id": consultant.id,
        "portal_user_id": portal_user.id,
        "client_id": client.id,
        "bags": {str(size): bag_id for size, bag_id in bags.items()},
        "log_bag": log_bag.id,
        "project_id": project.id,
        "task_id": task.id,
        "employee_id": employee.id,
        "prepaid_project_id": prepaid_task.project_id.id,
        "prepaid_task_id": prepaid_task.id,
        "plan_bag_id": plan_bag.id,
        "plan_monthly_id": plan_monthly.id,
    }


def _prepaid_hours_task(env, company, client, contact, pricelist, tax):
    """A task of a plain billable project of the client, sold on a confirmed
    order as prepaid hours (sale_timesheet's ``ordered_prepaid``, by the hour,
    with the bags' tax): where Odoo's own plain timesheet line is created
    the way a session log's is (issue 14: the employee and its cost, the
    delivered quantity, the remaining hours, the invoicing status, the
    task's hours). Enough hours sold that the measured lines never exhaust
    them (no upsell activity in the measure).

    :return: the ``project.task``
    """
    hour = env.ref("uom.product_uom_hour")
    product = env["product.product"].create(
        {
            "name": "Bench prepaid hours",
            "type": "service",
            "service_policy": "ordered_prepaid",
            "uom_id": hour.id,
            "uom_po_id": hour.id,
            "list_price": 50000,
            "taxes_id": [Command.set(tax.ids)],
            "company_id": company.id,
        }
    )
    order = env["sale.order"].create(
        {
            "partner_id": contact.id,
            "company_id": company.id,
            "pricelist_id": pricelist.id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": 1000000})
            ],
        }
    )
    order.action_confirm()
    project = env["project.project"].create(
        {
            "name": "Bench implementation",
            "partner_id": client.id,
            "company_id": company.id,
            "allow_billable": True,
            "allow_timesheets": True,
        }
    )
    task = env["project.task"].create(
        {
            "name": "Go-live",
            "project_id": project.id,
            "partner_id": client.id,
            "company_id": company.id,
            "sale_line_id": order.order_line.id,
        }
    )
    env.cr.commit()
    return task


def _start_monthly(env, contracts, start_day):
    """``action_start(start_day)`` for many new monthly retainers at once
    (created active from ``start_day``): the first cycle of each
    (``_open_for_contract``'s values) in one create, instead of a cycle
    created, checked and flushed at a time (3.5 min per 1,000 retainers on a
    loaded machine)."""
    contracts.filtered(lambda c: c.state != "active").write(
        {"state": "active", "date_start": start_day}
    )
    Period = env["support.contract.period"]
    Period.create(
        [Period._next_values(contract, Period, start_day) for contract in contracts]
    )


def _generate_bookings(env, company, client, event_sizes, group):
    """For each size, a consultant with that many calendar events in the
    coming days (the booking page's window), who takes the bookings of a
    plan of which the client has a contract.

    :return: ``{size: {"contract": id, "consultant": id}}`` (JSON keys)
    """
    result = {}
    Event = env["calendar.event"].with_context(
        no_mail_to_attendees=True,
        dont_notify=True,
        mail_create_nolog=True,
        mail_create_nosubscribe=True,
        tracking_disable=True,
    )
    start = datetime.combine(date.today() + timedelta(days=2), datetime.min.time())
    for size in event_sizes:
        consultant = env["res.users"].create(
            {
                "name": f"Bench Booking Consultant {size}",
                "login": f"bench_booking_{size}",
                "password": f"bench_booking_{size}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "tz": "America/Santiago",
                "groups_id": [Command.set(group.ids)],
            }
        )
        product = env["product.product"].create(
            {
                "name": f"Bench booking bag {size}",
                "type": "service",
                "list_price": 100000,
                "company_id": company.id,
            }
        )
        plan = env["support.plan"].create(
            {
                "name": f"Bench booking bag {size}",
                "kind": "hour_bag",
                "product_id": product.id,
                "hours_included": 1000.0,
                "company_id": company.id,
                "booking_consultant_ids": [Command.set(consultant.ids)],
            }
        )
        contract = env["support.contract"].create(
            {
                "partner_id": client.id,
                "plan_id": plan.id,
                "company_id": company.id,
                "scope": "Benchmark scope",
                "amount_paid": 100000,
                "state": "confirmed",
            }
        )
        # Events of 10 seconds, one every 17: the first two days of the page.
        for first in range(0, size, BATCH):
            Event.create(
                [
                    {
                        "name": f"Busy {index}",
                        "start": start + timedelta(seconds=17 * index),
                        "stop": start + timedelta(seconds=17 * index + 10),
                        "user_id": consultant.id,
                        "partner_ids": [Command.set(consultant.partner_id.ids)],
                        "privacy": "private",
                    }
                    for index in range(first, min(first + BATCH, size))
                ]
            )
            env.cr.commit()
        result[str(size)] = {"contract": contract.id, "consultant": consultant.id}
        _logger.info("bench: booking page with %s events", size)
    return result


#: The monthly run with invoices: clients of the Chilean company, of which
#: 1% have no RUT (their facturas are refused and left for the accountant).
BILLING_CLIENTS = 100


def _rut(number):
    """A valid RUT for ``number`` (its check digit, python-stdnum's)."""
    from stdnum.cl import rut

    return f"{number}-{rut.calc_check_digit(str(number))}"


def generate_billing(env, contracts=MONTHLY_CONTRACTS, clients=BILLING_CLIENTS):
    """On a database with asesorateya_support and l10n_cl (hence
    asesorateya_support_l10n_cl), build a Chilean company with l10n_cl's
    chart, its IVA included in the prices, cycle invoices posted at once,
    and ``contracts`` monthly retainers whose first cycle ended yesterday,
    spread in turn over ``clients`` client companies (1st category
    taxpayers: a factura each), 1% of which have no RUT.

    The retainers are started before the chart is loaded, so that their
    first cycles are not invoiced one by one here: the run measured invoices
    the second cycles, batch by batch.

    :return: the ids bench.py needs (a JSON-able dict)
    """
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    cr = env.cr
    today = date.today()
    clp = env.ref("base.CLP")
    clp.active = True
    chile = env.ref("base.cl")
    company = env["res.company"].create(
        {
            "name": "Bench Consultora Chile SpA",
            "currency_id": clp.id,
            "country_id": chile.id,
        }
    )
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env.ref("base.user_admin").write({"company_ids": [Command.link(company.id)]})
    product = env["product.product"].create(
        {
            "name": "Bench mensual",
            "type": "service",
            "list_price": 300000,
            "company_id": company.id,
            "invoice_policy": "order",
            "taxes_id": [Command.clear()],
        }
    )
    plan = env["support.plan"].create(
        {
            "name": "Bench mensual",
            "kind": "monthly",
            "product_id": product.id,
            "hours_included": 8.0,
            "company_id": company.id,
        }
    )
    rut_type = env.ref("l10n_cl.it_RUT")
    without_rut = max(1, clients // 100)
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Cliente {index} SpA",
                "is_company": True,
                "email": f"cliente{index}@bench.cl",
                "country_id": chile.id,
                "l10n_cl_sii_taxpayer_type": "1",
                "l10n_latam_identification_type_id": rut_type.id,
                "vat": False if index < without_rut else _rut(76000000 + index),
            }
            for index in range(clients)
        ]
    )
    cr.commit()
    start_day = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    Contract = env["support.contract"]
    for start in range(0, contracts, BATCH):
        batch = Contract.create(
            [
                {
                    "partner_id": partners[index % clients].id,
                    "plan_id": plan.id,
                    "company_id": company.id,
                    "amount_paid": 300000,
                    "date_purchase": start_day,
                    "state": "active",
                    "date_start": start_day,
                }
                for index in range(start, min(start + BATCH, contracts))
            ]
        )
        _start_monthly(env, batch, start_day)
        cr.commit()
        _logger.info("bench: %s monthly contracts (Chile)", start + len(batch))

    # The chart, after the first cycles: the second ones are invoiced.
    env["account.chart.template"].try_loading("cl", company=company, install_demo=False)
    company.partner_id.write(
        {
            "l10n_latam_identification_type_id": rut_type.id,
            "vat": "77777777-7",
            "l10n_cl_sii_taxpayer_type": "1",
        }
    )
    exclusive = env["account.chart.template"].with_company(company).ref("ITAX_19")
    tax = exclusive.copy({"name": "IVA 19% Venta (incluido)", "price_include": True})
    company.write({"account_sale_tax_id": tax.id, "support_invoice_auto_post": True})
    product.taxes_id = tax
    cr.commit()
    return {
        "company_id": company.id,
        "plan_id": plan.id,
        "clients": len(partners),
        "clients_without_rut": without_rut,
        "contracts_without_rut": sum(
            1 for index in range(contracts) if index % clients < without_rut
        ),
    }
