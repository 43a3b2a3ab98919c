# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Double clicks and two tabs on the portal's forms, over HTTP, against a real
Odoo server with two workers: the same form sent ten times at once makes one
claim (one case message, one priorities message and to-do), every click gets
a page (never an error page), and a client's first messages on contracts it
does not follow yet, sent at once, are all posted without the followers'
unique rule showing.

The data is committed in a company of its own (a second server must see it).
"""
# pylint: disable=invalid-commit,print-used
# (a second server must see the data: it is committed, and the outcome printed)

import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import portal_http  # tests/portal_http.py
import pytest
from odoo_server import race_server  # tests/odoo_server.py
from portal_http import at_once

import odoo
from odoo import Command

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY_RE = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')
CLICKS = 10
FRESH_CONTRACTS = 5
REASONS = "The stock report still shows the wrong warehouse, since Monday."


def _create_data():
    db = odoo.tools.config["db_name"]
    registry = odoo.registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        clp = env.ref("base.CLP")
        clp.active = True
        suffix = os.getpid()
        company = env["res.company"].create(
            {"name": f"Portal race {suffix}", "currency_id": clp.id}
        )
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        product = env["product.product"].create(
            {
                "name": "Race bag 10 h",
                "type": "service",
                "list_price": 100000,
                "company_id": company.id,
            }
        )
        plan = env["support.plan"].create(
            {
                "name": "Race bag 10 h",
                "kind": "hour_bag",
                "product_id": product.id,
                "hours_included": 10.0,
                "company_id": company.id,
            }
        )
        client = env["res.partner"].create(
            {"name": "Race client", "is_company": True, "email": "c@race.test"}
        )
        login = f"portal_race_{suffix}"
        contact = env["res.partner"].create(
            {"name": "Race contact", "parent_id": client.id, "email": f"{login}@x.cl"}
        )
        user = env["res.users"].create(
            {
                "login": login,
                "password": login,
                "partner_id": contact.id,
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(env.ref("base.group_portal").ids)],
            }
        )
        contracts = env["support.contract"].create(
            [
                {
                    "partner_id": client.id,
                    "plan_id": plan.id,
                    "company_id": company.id,
                    "scope": "Race scope",
                    "amount_paid": 100000,
                    "state": "confirmed",
                }
                for _index in range(FRESH_CONTRACTS + 1)
            ]
        )
        assert not contracts.message_partner_ids & contact
        # A monthly retainer whose cycle is open takes the month's priorities.
        monthly_product = env["product.product"].create(
            {
                "name": "Race monthly 8 h",
                "type": "service",
                "list_price": 200000,
                "company_id": company.id,
            }
        )
        consultant = env["res.users"].create(
            {
                "name": "Race Consultant",
                "login": f"portal_race_consultant_{suffix}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [
                    Command.set(
                        env.ref(
                            "asesorateya_support.asesorateya_support_group_user"
                        ).ids
                    )
                ],
            }
        )
        monthly = env["support.contract"].create(
            {
                "partner_id": client.id,
                "user_id": consultant.id,
                "plan_id": env["support.plan"]
                .create(
                    {
                        "name": "Race monthly 8 h",
                        "kind": "monthly",
                        "product_id": monthly_product.id,
                        "hours_included": 8.0,
                        "company_id": company.id,
                    }
                )
                .id,
                "company_id": company.id,
                "scope": "Race scope",
                "amount_paid": 200000,
                "state": "confirmed",
            }
        )
        monthly.action_start()
        assert monthly.current_period_id
        cr.commit()
        return {
            "db": db,
            "login": login,
            "partner": contact.id,
            "client": client.id,
            "contracts": contracts.ids,
            "monthly": monthly.id,
            "user": user.id,
        }


class Client(portal_http.Client):
    """A portal client whose refused form is a page too (its HTTP code)."""

    def post(self, path, values):
        """The final URL and page, or the HTTP error's code and page."""
        try:
            return super().post(path, values)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def _env_read(db, function):
    registry = odoo.registry(db)
    with registry.cursor() as cr:
        return function(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))


def _assert_pages(results, expected):
    """Every click got the page ``expected`` (in its URL), no error page."""
    for result in results:
        assert not isinstance(result, Exception), result
        url, page = result
        assert isinstance(url, str), f"HTTP {url}: {page[:2000]}"
        assert "o_support_error" not in page, page[:2000]
        assert expected in url, url


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    log = tmp_path_factory.mktemp("portalrace") / "server.log"
    with race_server(_create_data(), log) as data:
        data["client_session"] = Client(data["base"], data["db"], data["login"])
        yield data


def test_claim_form_sent_ten_times_one_claim(race):
    client = race["client_session"]
    _url, page = client.get("/my/support/claims/new")
    form = {
        "csrf_token": CSRF_RE.search(page).group(1),
        "submission_key": KEY_RE.search(page).group(1),
        "claim_type": "review",
        "contract_id": str(race["contracts"][0]),
        "document_reference": "S00042",
        "contract_date": "2026-01-05",
        "reasons": REASONS,
    }
    results = at_once(*[lambda: client.post("/my/support/claims/new", form)] * CLICKS)
    _assert_pages(results, "message=claim")
    claims = _env_read(
        race["db"],
        lambda env: (
            env["support.claim"].search([("partner_id", "=", race["client"])]).ids
        ),
    )
    assert len(claims) == 1, claims
    assert {url for url, _page in results} == {
        f"{race['base']}/my/support/claims/{claims[0]}?message=claim"
    }


def test_case_form_sent_ten_times_one_message(race):
    client = race["client_session"]
    contract_id = race["contracts"][0]
    path = f"/my/support/{contract_id}"
    _url, page = client.get(path)
    form = {
        "csrf_token": CSRF_RE.search(page).group(1),
        "submission_key": KEY_RE.search(page).group(1),
        "description": f"Case {uuid.uuid4().hex}: the invoice report fails",
    }
    results = at_once(*[lambda: client.post(f"{path}/case", form)] * CLICKS)
    _assert_pages(results, "message=case")

    def count(env):
        return env["mail.message"].search_count(
            [
                ("model", "=", "support.contract"),
                ("res_id", "=", contract_id),
                ("body", "ilike", form["description"]),
            ]
        )

    assert _env_read(race["db"], count) == 1


def test_priorities_form_sent_ten_times_one_message(race):
    """The month's priorities sent ten times at once: one message, one to-do
    for the consultant, the cycle's priorities written once."""
    client = race["client_session"]
    contract_id = race["monthly"]
    path = f"/my/support/{contract_id}"
    _url, page = client.get(path)
    text = f"Priorities {uuid.uuid4().hex}: close March, then the stock report"
    form = {
        "csrf_token": CSRF_RE.search(page).group(1),
        "submission_key": KEY_RE.search(page).group(1),
        "priorities": text,
    }
    results = at_once(*[lambda: client.post(f"{path}/priorities", form)] * CLICKS)
    _assert_pages(results, "message=priorities")

    def state(env):
        contract = env["support.contract"].browse(contract_id)
        messages = env["mail.message"].search_count(
            [
                ("model", "=", "support.contract"),
                ("res_id", "=", contract_id),
                ("body", "ilike", text.split(":")[0]),
            ]
        )
        todos = env["mail.activity"].search_count(
            [
                ("res_model", "=", "support.contract"),
                ("res_id", "=", contract_id),
                ("note", "ilike", text.split(":")[0]),
            ]
        )
        return messages, todos, contract.current_period_id.priorities

    messages, todos, priorities = _env_read(race["db"], state)
    assert messages == 1
    assert todos == 1
    assert priorities == text


def test_first_messages_on_fresh_contracts_at_once(race):
    """Two tabs send the case of a contract the client does not follow yet:
    both messages are posted, both tabs get the contract's page, and the
    client follows once (five contracts, five double sends)."""
    client = race["client_session"]
    seen_retries = race["log"].read_text().count("tries left")
    for contract_id in race["contracts"][1:]:
        path = f"/my/support/{contract_id}"
        forms = []
        for tab in (1, 2):
            _url, page = client.get(path)
            forms.append(
                {
                    "csrf_token": CSRF_RE.search(page).group(1),
                    "submission_key": KEY_RE.search(page).group(1),
                    "description": f"Tab {tab} of {contract_id}: what fails",
                }
            )
        results = at_once(
            *[
                lambda form=form, url=f"{path}/case": client.post(url, form)
                for form in forms
            ]
        )
        _assert_pages(results, "message=case")

        def state(env, contract_id=contract_id):
            contract = env["support.contract"].browse(contract_id)
            followers = env["mail.followers"].search_count(
                [
                    ("res_model", "=", "support.contract"),
                    ("res_id", "=", contract_id),
                    ("partner_id", "=", race["partner"]),
                ]
            )
            posted = contract.message_ids.filtered(
                lambda m: "what fails" in (m.body or "")
            )
            return followers, len(posted)

        assert _env_read(race["db"], state) == (1, 2)
    retries = race["log"].read_text().count("tries left") - seen_retries
    print(f"\nfirst messages at once: {retries} request(s) retried by Odoo")
