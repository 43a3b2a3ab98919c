# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the load test and the fault test share: their committed data (a
company of their own, consultants, hour bags) and a consultant's JSON-RPC
client of a real Odoo server."""
# pylint: disable=invalid-commit
# (a second server must see the data: it is committed)

import http.cookiejar
import json
import os
import urllib.request

import odoo
from odoo import Command

#: The JSON-RPC error names of the rules refusing a call (nothing written).
REFUSALS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


def create_load_data(name, consultants, bags, bag_hours):
    """Commit a company with ``consultants`` consultants and ``bags`` hour
    bags of ``bag_hours`` hours (one number for all, or one per bag),
    confirmed, of one client (a second server must see them).

    :param str name: the company's name (the process id is added)
    :return: a dict: ``db``, ``company``, ``partner``, ``plan``, ``logins``
        (each consultant's login, also its password) and ``bags`` (ids)
    """
    db = odoo.tools.config["db_name"]
    registry = odoo.registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        clp = env.ref("base.CLP")
        clp.active = True
        company = env["res.company"].create(
            {"name": f"{name} {os.getpid()}", "currency_id": clp.id}
        )
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        sizes = (
            list(bag_hours)
            if isinstance(bag_hours, (list, tuple))
            else [bag_hours] * bags
        )
        plans = {
            hours: env["support.plan"].create(
                {
                    "name": f"Load bag {hours:g} h",
                    "kind": "hour_bag",
                    # A plan sells its own product.
                    "product_id": env["product.product"]
                    .create(
                        {
                            "name": f"Load bag {hours:g} h",
                            "type": "service",
                            "list_price": 100000,
                            "company_id": company.id,
                        }
                    )
                    .id,
                    "hours_included": hours,
                    "company_id": company.id,
                }
            )
            for hours in sorted(set(sizes))
        }
        plan = plans[sizes[0]]
        client = env["res.partner"].create(
            {"name": "Load Client SpA", "is_company": True}
        )
        # One consultant per client, as in a real team.
        group = env.ref("asesorateya_support.asesorateya_support_group_user")
        prefix = name.split()[0].lower()
        logins = [f"{prefix}_consultant_{os.getpid()}_{n}" for n in range(consultants)]
        consultants = env["res.users"].create(
            [
                {
                    "name": f"Load Consultant {n}",
                    "login": login,
                    "password": login,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set(group.ids)],
                }
                for n, login in enumerate(logins)
            ]
        )
        # Consultants are employees: each log is a timesheet line of theirs.
        env["hr.employee"].create(
            [
                {"name": user.name, "user_id": user.id, "company_id": company.id}
                for user in consultants
            ]
        )
        contracts = env["support.contract"].create(
            [
                {
                    "partner_id": client.id,
                    "plan_id": plans[hours].id,
                    "company_id": company.id,
                    "scope": "Load test scope",
                    "amount_paid": 100000,
                    "state": "confirmed",
                }
                for hours in sizes
            ]
        )
        cr.commit()
        return {
            "db": db,
            "company": company.id,
            "partner": client.id,
            "plan": plan.id,
            "logins": logins,
            "bags": contracts.ids,
            "bag_hours": dict(zip(contracts.ids, sizes, strict=True)),
        }


class LoginFailed(Exception):
    """The server answered the login with an error."""


class Consultant:
    """A consultant logged in to a real Odoo server, calling it by JSON-RPC."""

    def __init__(self, base, db, login):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        _status, answer = self._post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": login},
        )
        if "error" in answer:
            raise LoginFailed(answer["error"]["data"]["name"])

    def _post(self, path, params):
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps({"jsonrpc": "2.0", "params": params}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=120) as response:
            return response.status, json.loads(response.read())

    def call(self, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` as the web client calls it.

        :return: ``(HTTP status, JSON-RPC answer)``
        """
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def log(self, bag_id, objective, duration):
        """Log a session of ``duration`` hours on the bag ``bag_id``."""
        return self.call(
            "support.session",
            "create",
            {
                "contract_id": bag_id,
                "duration": duration,
                "objective": objective,
                "activity": "Logged under load",
            },
        )
