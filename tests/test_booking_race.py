# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two clients book the same time at the same moment, over HTTP, against a
real Odoo server with two workers: one gets it, the other a clear message and
fresh free times; the database holds one booking. And two people of one
client book the last session of a bag at once: one booking, a clear refusal.

The data is committed in a company of its own (a second server must see it).
The consultant works around the clock, so that free times exist whenever the
test runs.
"""
# pylint: disable=invalid-commit,print-used
# (a second server must see the data: it is committed, and the outcome printed)

import os
import re
from datetime import timezone

import pytest
from odoo_server import race_server  # tests/odoo_server.py
from portal_http import Client, at_once  # tests/portal_http.py

import odoo
from odoo import Command

SLOT_RE = re.compile(r'name="slot"[^>]*\svalue="(\d+)"')
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
ROUNDS = 6


def _create_data(tag="race"):
    """The race's company, consultant, clients and bags, committed; ``tag``
    names them (the load test makes its own with another)."""
    db = odoo.tools.config["db_name"]
    registry = odoo.registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        clp = env.ref("base.CLP")
        clp.active = True
        company = env["res.company"].create(
            {"name": f"Booking {tag} {os.getpid()}", "currency_id": clp.id}
        )
        company.partner_id.tz = "America/Santiago"
        company.write(
            {
                "support_booking_lead_hours": 1,
                "support_booking_horizon_days": 7,
                "support_booking_step_minutes": 30,
            }
        )
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        calendar = env["resource.calendar"].create(
            {
                "name": "Around the clock",
                "tz": "America/Santiago",
                "company_id": company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        suffix = f"{tag}_{os.getpid()}" if tag != "race" else os.getpid()
        consultant = env["res.users"].create(
            {
                "name": "Race Consultant",
                "login": f"race_consultant_{suffix}",
                "password": f"race_consultant_{suffix}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "tz": "America/Santiago",
                "groups_id": [
                    Command.set(
                        env.ref(
                            "asesorateya_support.asesorateya_support_group_user"
                        ).ids
                    )
                ],
            }
        )
        env["resource.resource"].create(
            {
                "name": consultant.name,
                "user_id": consultant.id,
                "company_id": company.id,
                "calendar_id": calendar.id,
                "tz": "America/Santiago",
            }
        )

        def plan(name, hours):
            product = env["product.product"].create(
                {
                    "name": name,
                    "type": "service",
                    "list_price": 100000,
                    "company_id": company.id,
                }
            )
            return env["support.plan"].create(
                {
                    "name": name,
                    "kind": "hour_bag",
                    "product_id": product.id,
                    "hours_included": hours,
                    "session_length": 1.0,
                    "company_id": company.id,
                    "booking_consultant_ids": [Command.set(consultant.ids)],
                }
            )

        plan_big, plan_one = plan("Race bag 10 h", 10.0), plan("Race bag 1 h", 1.0)
        logins = {}
        contracts = {}
        for key in ("a", "b"):
            client = env["res.partner"].create(
                {"name": f"Race client {key.upper()}", "is_company": True}
            )
            for person in (1, 2):
                login = f"race_{key}{person}_{suffix}"
                contact = env["res.partner"].create(
                    {
                        "name": f"Race {key}{person}",
                        "parent_id": client.id,
                        "email": f"{login}@race.test",
                        "tz": "America/Santiago",
                    }
                )
                env["res.users"].create(
                    {
                        "login": login,
                        "password": login,
                        "partner_id": contact.id,
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [Command.set(env.ref("base.group_portal").ids)],
                    }
                )
                logins[f"{key}{person}"] = login
            contracts[key] = env["support.contract"].create(
                {
                    "partner_id": client.id,
                    "plan_id": plan_big.id,
                    "company_id": company.id,
                    "scope": "Race scope",
                    "amount_paid": 100000,
                    "state": "confirmed",
                }
            )
        contracts["one"] = env["support.contract"].create(
            {
                "partner_id": contracts["a"].partner_id.id,
                "plan_id": plan_one.id,
                "company_id": company.id,
                "scope": "Race scope",
                "amount_paid": 100000,
                "state": "confirmed",
            }
        )
        cr.commit()
        return {
            "db": db,
            "consultant": consultant.id,
            "logins": logins,
            "contracts": {key: contract.id for key, contract in contracts.items()},
        }


def _slots(page):
    return [int(slot) for slot in SLOT_RE.findall(page)]


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    log = tmp_path_factory.mktemp("bookingrace") / "server.log"
    with race_server(_create_data(), log) as data:
        yield data


def _booked_at(data, slot):
    """How many sessions of the consultant are booked at the slot ``slot``."""
    return sum(
        int(start.replace(tzinfo=timezone.utc).timestamp()) == slot
        for _contract, start in _bookings(data)
    )


def _bookings(data, contract_key=None):
    registry = odoo.registry(data["db"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        domain = [("state", "=", "booked"), ("consultant_id", "=", data["consultant"])]
        if contract_key:
            domain.append(("contract_id", "=", data["contracts"][contract_key]))
        return [
            (booking.contract_id.id, booking.start)
            for booking in env["support.booking"].search(domain)
        ]


def test_two_clients_book_the_same_time(race):
    base, db = race["base"], race["db"]
    clients = {key: Client(base, db, race["logins"][f"{key}1"]) for key in ("a", "b")}
    paths = {key: f"/my/support/{race['contracts'][key]}/booking" for key in ("a", "b")}
    outcomes = []
    seen_retries = race["log"].read_text().count("tries left")
    for _round in range(ROUNDS):
        pages = {key: clients[key].get(paths[key])[1] for key in ("a", "b")}
        common = sorted(set(_slots(pages["a"])) & set(_slots(pages["b"])))
        assert common, "both clients see free times"
        slot = common[0]
        forms = {
            key: {"csrf_token": CSRF_RE.search(pages[key]).group(1), "slot": str(slot)}
            for key in ("a", "b")
        }
        results = at_once(
            *[
                (lambda key=key, form=forms[key]: clients[key].post(paths[key], form))
                for key in ("a", "b")
            ]
        )
        for result in results:
            assert not isinstance(result, Exception), result
        won = [
            key
            for (url, _page), key in zip(results, "ab", strict=True)
            if "message=booked" in url
        ]
        lost = [key for key in "ab" if key not in won]
        assert len(won) == 1, [url for url, _page in results]
        url, page = results["ab".index(lost[0])]
        # The loser is told, and shown the free times of now.
        assert "o_support_error" in page
        assert (
            "Someone booked that time a moment ago" in page
            or "That time is not free (any more)" in page
        ), page[:2000]
        assert slot not in _slots(page)
        assert _slots(page), "fresh free times"
        retries = race["log"].read_text().count("tries left")
        if "error=taken" in url:
            outcomes.append("exclusion constraint")
        elif retries > seen_retries:
            outcomes.append("retried by Odoo")
        else:
            outcomes.append("check of a committed booking")
        seen_retries = retries
        assert _booked_at(race, slot) == 1
    # Every round booked one session per time, never two.
    starts = [start for _contract, start in _bookings(race)]
    assert len(starts) == ROUNDS
    assert len(set(starts)) == ROUNDS
    print(f"\nrace losers told by: {outcomes}")


def test_two_people_book_the_last_session_of_a_bag(race):
    base, db = race["base"], race["db"]
    people = [Client(base, db, race["logins"][login]) for login in ("a1", "a2")]
    path = f"/my/support/{race['contracts']['one']}/booking"
    pages = [person.get(path)[1] for person in people]
    slots = _slots(pages[0])
    forms = [
        {"csrf_token": CSRF_RE.search(page).group(1), "slot": str(slot)}
        for page, slot in zip(pages, (slots[-1], slots[-3]), strict=True)
    ]
    results = at_once(
        *[
            (lambda person=person, form=form: person.post(path, form))
            for person, form in zip(people, forms, strict=True)
        ]
    )
    for result in results:
        assert not isinstance(result, Exception), result
    won = [url for url, _page in results if "message=booked" in url]
    assert len(won) == 1, [url for url, _page in results]
    [loser] = [page for url, page in results if "message=booked" not in url]
    assert "o_support_error" in loser
    assert "not enough for a session" in loser or "already booked" in loser, loser[
        :2000
    ]
    assert len(_bookings(race, "one")) == 1
