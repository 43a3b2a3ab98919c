# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Client credits under double clicks and two tabs, over HTTP, against a real
Odoo server with two workers (issue 16, policy §10):

- "Apply my credits" (the shop's payment step) pressed ten times at once
  applies the credit once, and no page warns that no credit applies while
  it is applied;
- two people of one client spend one credit at once, each on their own cart:
  the credit is spent once, never beyond its amount;
- a salesman without an email of his own applies a client's credit from the
  sale order's button (its JSON-RPC call, pressed twice at once): applied
  once, and the notes it posts are sent from the company's support email.

The shop's data is committed in the company of the website the server
serves (a cart is the website's); the salesman's in a company of its own.
"""
# pylint: disable=invalid-commit,print-used
# (a second server must see the data: it is committed, and the outcome printed)

import os
import re
import urllib.error

import portal_http  # tests/portal_http.py
import pytest
from odoo_server import race_server  # tests/odoo_server.py
from portal_http import at_once

import odoo
from odoo import Command

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CLICKS = 10
PRICE = 60000
POLICY = "asesorateya_support.support_policy_support_v1"
SUPPORT_EMAIL = "soporte-carrera@asesorateya.test"


class Client(portal_http.Client):
    """A client whose refused request is a page too (its HTTP code)."""

    def post(self, path, values):
        try:
            return super().post(path, values)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def _plan_product(env, company, name):
    """A published diagnosis of ``company`` at ``PRICE``, without taxes."""
    product = env["product.product"].create(
        {
            "name": name,
            "type": "service",
            "list_price": PRICE,
            "company_id": company.id,
            "taxes_id": [Command.clear()],
            "sale_ok": True,
            "is_published": True,
        }
    )
    env["support.plan"].create(
        {
            "name": name,
            "kind": "diagnosis",
            "product_id": product.id,
            "hours_included": 1.0,
            "company_id": company.id,
        }
    )
    return product


def _client(env, company, name, logins, groups="base.group_portal"):
    """A client company and, per login, a contact with a user of ``groups``."""
    client = env["res.partner"].create(
        {"name": name, "is_company": True, "email": f"{logins[0]}@race.test"}
    )
    chile = env.ref("base.cl")
    for login in logins:
        contact = env["res.partner"].create(
            {
                "name": f"{name} {login}",
                "parent_id": client.id,
                "email": f"{login}@race.test",
                "street": "Av. Providencia 1234",
                "city": "Santiago",
                "zip": "7500000",
                "country_id": chile.id,
                "phone": "+56 2 2345 6789",
                "lang": "en_US",
            }
        )
        env["res.users"].create(
            {
                "login": login,
                "password": login,
                "partner_id": contact.id,
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(env.ref(groups).ids)],
            }
        )
    return client


def _issue(env, client, company, amount):
    return env["support.credit"]._issue(
        client,
        amount,
        "cancellation",
        company._support_today(),
        env.ref(POLICY),
        company_id=company.id,
    )


def _create_data():
    db = odoo.tools.config["db_name"]
    registry = odoo.registry(db)
    suffix = os.getpid()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        # The website the server serves on 127.0.0.1 (no domain matches it):
        # the first one (website._get_current_website_id).
        website = env["website"].search([], limit=1)
        company = website.company_id
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        en = env.ref("base.lang_en")
        if not en.active:
            en.active = True
        website.language_ids |= en
        product = _plan_product(env, company, f"Race diagnosis {suffix}")
        logins = {key: f"credit_race_{key}_{suffix}" for key in ("a", "b1", "b2")}
        client_a = _client(env, company, "Credit race A", [logins["a"]])
        client_b = _client(env, company, "Credit race B", [logins["b1"], logins["b2"]])
        credits = {
            "a": _issue(env, client_a, company, 20000).id,
            # More than one cart, less than two.
            "b": _issue(env, client_b, company, 100000).id,
        }

        # The salesman's company, with a support email and no other.
        own = env["res.company"].create(
            {
                "name": f"Credit race {suffix}",
                "currency_id": company.currency_id.id,
                "support_contact_email": SUPPORT_EMAIL,
            }
        )
        env = env(context=dict(env.context, allowed_company_ids=[own.id]))
        salesman_login = f"credit_race_salesman_{suffix}"
        salesman = env["res.users"].create(
            {
                "name": "Race Salesman",
                "login": salesman_login,
                "password": salesman_login,
                "lang": "en_US",
                "company_id": own.id,
                "company_ids": [Command.set(own.ids)],
                "groups_id": [
                    Command.set(env.ref("sales_team.group_sale_salesman").ids)
                ],
            }
        )
        salesman.partner_id.email = False
        client_c = env["res.partner"].create(
            {"name": "Credit race C", "is_company": True, "email": "c@race.test"}
        )
        credits["c"] = _issue(env, client_c, own, 20000).id
        order = env["sale.order"].create(
            {
                "partner_id": client_c.id,
                "company_id": own.id,
                "user_id": salesman.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": _plan_product(
                                env, own, f"Race diagnosis {suffix} (back office)"
                            ).id
                        }
                    )
                ],
            }
        )
        cr.commit()
        return {
            "db": db,
            "product": product.id,
            "logins": logins,
            "credits": credits,
            "salesman": {
                "login": salesman_login,
                "partner": salesman.partner_id.id,
                "company": own.id,
                "order": order.id,
            },
        }


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    log = tmp_path_factory.mktemp("creditrace") / "server.log"
    with race_server(_create_data(), log) as data:
        yield data


def _env_read(db, function):
    registry = odoo.registry(db)
    with registry.cursor() as cr:
        return function(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))


def _credit_state(db, credit_id):
    """The credit's balance and state, and its active uses (order, amount)."""

    def read(env):
        credit = env["support.credit"].browse(credit_id)
        usages = credit.usage_ids.filtered(lambda usage: usage.state == "active")
        return (
            credit.amount_remaining,
            credit.state,
            sorted((usage.sale_order_id.id, usage.amount) for usage in usages),
        )

    return _env_read(db, read)


def _cart_at_payment(race, login):
    """A client with the race's diagnosis in the cart, at the payment step:
    the client and the payment page."""
    client = Client(race["base"], race["db"], login)
    answer = client.json(
        "/shop/cart/update_json", {"product_id": race["product"], "add_qty": 1}
    )
    assert "error" not in answer, answer
    client.get("/shop/checkout?express=1")
    url, page = client.get("/shop/payment")
    assert url.endswith("/shop/payment"), url
    return client, page


def _order_of(race, login):
    def read(env):
        partner = env["res.users"].search([("login", "=", login)]).partner_id
        order = env["sale.order"].search(
            [("partner_id", "=", partner.id), ("state", "=", "draft")]
        )
        return order.id, order.amount_total, order.shop_warning

    return _env_read(race["db"], read)


def _assert_no_warning(page):
    """The payment page, with no warning of the cart (website_sale shows
    the cart's warning in an ``alert-warning``) and no error page."""
    assert "Algo salió mal" not in page and "Something went wrong" not in page
    warnings = re.findall(r"alert alert-warning.{0,600}", page, re.DOTALL)
    assert "no client credit" not in page and not warnings, warnings


def _apply_at_once(clients_pages, clicks):
    """Press "Apply my credits" ``clicks`` times at once in each client's
    payment page; the results, pages checked."""
    calls = []
    for client, page in clients_pages:
        form = {"csrf_token": CSRF_RE.search(page).group(1)}
        calls += [
            lambda client=client, form=form: client.post(
                "/shop/support_credits/apply", form
            )
        ] * clicks
    results = at_once(*calls)
    for result in results:
        assert not isinstance(result, Exception), result
        url, page = result
        assert isinstance(url, str), f"HTTP {url}: {page[:2000]}"
        assert url.endswith("/shop/payment"), url
        _assert_no_warning(page)
    return results


def test_apply_my_credits_ten_times_at_once(race):
    seen_retries = race["log"].read_text().count("tries left")
    client, page = _cart_at_payment(race, race["logins"]["a"])
    assert "Apply my credits" in page
    _apply_at_once([(client, page)], CLICKS)
    order_id, total, warning = _order_of(race, race["logins"]["a"])
    remaining, state, usages = _credit_state(race["db"], race["credits"]["a"])
    assert usages == [(order_id, 20000)]
    assert (remaining, state) == (0, "used")
    assert total == PRICE - 20000
    assert not warning
    # The cart and the payment step, shown again: the credit, no warning.
    for path in ("/shop/cart", "/shop/payment"):
        _url, page = client.get(path)
        _assert_no_warning(page)
        assert "Apply my credits" not in page
    retries = race["log"].read_text().count("tries left") - seen_retries
    print(f"\nApply my credits x{CLICKS}: {retries} request(s) retried by Odoo")


def test_two_people_spend_one_credit_at_once(race):
    """A credit of 100,000 and two carts of 60,000: one cart gets 60,000, the
    other what is left (40,000), whichever comes first; never more."""
    people = [_cart_at_payment(race, race["logins"][key]) for key in ("b1", "b2")]
    _apply_at_once(people, CLICKS // 2)
    orders = {key: _order_of(race, race["logins"][key]) for key in ("b1", "b2")}
    remaining, state, usages = _credit_state(race["db"], race["credits"]["b"])
    assert (remaining, state) == (0, "used")
    assert sum(amount for _order, amount in usages) == 100000
    assert sorted(amount for _order, amount in usages) == [40000, 60000]
    assert {order for order, _amount in usages} == {
        order_id for order_id, _total, _warning in orders.values()
    }
    assert sorted(total for _id, total, _warning in orders.values()) == [0, 20000]


def test_salesman_without_email_applies_a_credit(race):
    """The sale order's button, pressed twice at once by a salesman whose
    user has no email: the credit is applied once, the other click is told
    it is applied already, and the notes are sent from the company's
    support email (never "configure the sender's email")."""
    data = race["salesman"]
    salesman = Client(race["base"], race["db"], data["login"])
    call = {
        "model": "sale.order",
        "method": "action_apply_support_credits",
        "args": [[data["order"]]],
        "kwargs": {
            "context": {"lang": "en_US", "allowed_company_ids": [data["company"]]}
        },
    }
    answers = at_once(*[lambda: salesman.json("/web/dataset/call_button", call)] * 2)
    for answer in answers:
        assert not isinstance(answer, Exception), answer
    applied = [answer for answer in answers if "error" not in answer]
    refused = [answer["error"]["data"] for answer in answers if "error" in answer]
    assert len(applied) >= 1, answers
    for error in refused:
        assert error["name"] == "odoo.exceptions.UserError", error
        assert "already applied" in error["message"], error
    remaining, state, usages = _credit_state(race["db"], race["credits"]["c"])
    assert usages == [(data["order"], 20000)]
    assert (remaining, state) == (0, "used")

    def notes(env):
        order = env["sale.order"].browse(data["order"])
        credit = env["support.credit"].browse(race["credits"]["c"])
        return [
            (message.model, message.email_from)
            for message in (order.message_ids | credit.message_ids)
            # The notes, not the tracking of the credit's state.
            if message.author_id.id == data["partner"]
            and not message.tracking_value_ids
        ]

    found = _env_read(race["db"], notes)
    assert sorted(model for model, _email in found) == [
        "sale.order",
        "support.credit",
    ], found
    for _model, email_from in found:
        assert SUPPORT_EMAIL in email_from, found
    print(f"\nsalesman's clicks: {len(applied)} applied, {len(refused)} told")
