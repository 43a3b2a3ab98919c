# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whole flow with real email: a diagnosis bought in the shop, a session logged
while the SMTP server is down, and nothing lost.

An SMTP sink (aiosmtpd) listens on loopback and is the outgoing server of a
real Odoo server started on the test database. The demo client ("cliente")
buys a diagnosis through the shop over HTTP and pays with payment_demo; the
mail queue runs and the sink receives the confirmation with the booking link.
Then the sink stops, the demo consultant logs a session through JSON-RPC, the
queue runs and the summary waits in it; the sink starts again, the queue runs
and the summary is delivered. The data is committed (a real server must see
it) in the demo company, as the demo's set-up step left it: its website and
its Demo payment provider.
"""
# pylint: disable=invalid-commit,print-used
# (a second server must see the data: it is committed, and the report printed)

import email
import email.policy
import http.cookiejar
import json
import urllib.request

import pytest
from odoo_server import free_port, odoo_server  # tests/odoo_server.py


class Sink:
    """An SMTP server on loopback that keeps what it receives."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.controller = None
        self.running = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.running = True

    def stop(self):
        self.controller.stop()
        self.running = False


@pytest.fixture(scope="module")
def sink():
    sink = Sink()
    sink.start()
    yield sink
    if sink.running:
        sink.stop()


@pytest.fixture(scope="module")
def shop(env_factory, sink, tmp_path_factory):
    """The demo shop ready to sell, its mail server the sink, and a server."""
    with env_factory() as env:
        company = env.ref("asesorateya_support.company_asesorateya")
        env["ir.mail_server"].search([]).active = False  # the sink, nothing else
        env["ir.mail_server"].create(
            {
                "name": "SMTP sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": sink.port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )
        # The demo's set-up step (scripts/init-demo, run by scripts/test too)
        # gave the demo company its website and a Demo provider in test mode.
        provider = env["payment.provider"].search(
            [("code", "=", "demo"), ("company_id", "=", company.id)]
        )
        assert provider.state == "test" and provider.is_published, provider
        method = env.ref("payment_demo.payment_method_demo")
        assert method in provider.payment_method_ids
        website = env.ref("website.default_website")
        assert website.company_id == company
        diagnosis = env.ref("asesorateya_support.support_plan_demo_diagnosis")
        client = env.ref("asesorateya_support.partner_ferreteria_los_andes")
        data = {
            "db": env.cr.dbname,
            "provider": provider.id,
            "method": method.id,
            "website": website.id,
            "product": diagnosis.product_id.id,
            "client": client.id,
            "summary_cron": env.ref(
                "asesorateya_support.ir_cron_send_session_summaries"
            ).id,
            "mail_cron": env.ref("mail.ir_cron_mail_scheduler_action").id,
        }
    log = tmp_path_factory.mktemp("mailflow") / "server.log"
    with odoo_server(data["db"], log) as base:
        data["base"] = base
        yield data


class Browser:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.status, response.read().decode()

    def json(self, path, params):
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps({"jsonrpc": "2.0", "params": params}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=120) as response:
            answer = json.loads(response.read())
        assert "error" not in answer, answer["error"]
        return answer.get("result")  # a route returning nothing has no result


def _run_mail_queue(shop):
    """The server's own scheduled actions run, as its cron thread would once
    triggered: the queued session summaries are posted, then the mail queue
    sends what waits."""
    admin = Browser(shop["base"])
    admin.json(
        "/web/session/authenticate",
        {"db": shop["db"], "login": "admin", "password": "admin"},
    )

    def run(cron):
        admin.json(
            "/web/dataset/call_kw/ir.cron/method_direct_trigger",
            {
                "model": "ir.cron",
                "method": "method_direct_trigger",
                "args": [[shop[cron]]],
                "kwargs": {},
            },
        )

    # The summary queue works in batches and re-triggers itself while logs
    # are queued (earlier tests may have left many): run it until none is.
    for _batch in range(20):
        run("summary_cron")
        queued = admin.json(
            "/web/dataset/call_kw/support.session/search_count",
            {
                "model": "support.session",
                "method": "search_count",
                "args": [[("summary_state", "=", "queued")]],
                "kwargs": {},
            },
        )
        if not queued:
            break
    else:
        pytest.fail("session summaries still queued after 20 runs")
    run("mail_cron")


def test_bought_in_the_shop_then_smtp_down(env_factory, sink, shop):
    client = Browser(shop["base"])
    client.json(
        "/web/session/authenticate",
        {"db": shop["db"], "login": "cliente", "password": "cliente"},
    )
    assert client.get("/shop")[0] == 200
    client.json("/shop/cart/update_json", {"product_id": shop["product"], "add_qty": 1})
    with env_factory() as env:
        order = env["sale.order"].search(
            [
                ("website_id", "=", shop["website"]),
                ("partner_id", "child_of", shop["client"]),
                ("state", "=", "draft"),
            ],
            order="id desc",
            limit=1,
        )
        order_id, amount, token = (
            order.id,
            order.amount_total,
            order._portal_ensure_token(),
        )
    assert amount == 60000
    assert client.get("/shop/checkout?express=1")[0] == 200
    assert client.get("/shop/payment")[0] == 200
    processing = client.json(
        f"/shop/payment/transaction/{order_id}",
        {
            "provider_id": shop["provider"],
            "payment_method_id": shop["method"],
            "token_id": None,
            "amount": amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/shop/payment/validate",
            "access_token": token,
        },
    )
    client.json(
        "/payment/demo/simulate_payment",
        {
            "reference": processing["reference"],
            "payment_details": "4242",
            "simulated_state": "done",
        },
    )
    client.json("/payment/status/poll", {})

    with env_factory() as env:
        order = env["sale.order"].browse(order_id)
        assert order.state == "sale"
        contract = order.support_contract_ids
        assert len(contract) == 1 and contract.kind == "diagnosis"
        contract_id, booking = contract.id, contract._get_booking_url()
        client_emails = contract.partner_id.child_ids.mapped("email") + [
            contract.partner_id.email
        ]

    # 1. The confirmation leaves through the mail queue and reaches the sink.
    _run_mail_queue(shop)
    received = [
        m
        for rcpts, m in sink.messages
        if any(e and e in " ".join(rcpts) for e in client_emails)
    ]
    assert received, [m["subject"] for _r, m in sink.messages]
    body = "\n".join(
        part.get_content()
        for message in received
        for part in message.walk()
        if part.get_content_type() in ("text/html", "text/plain")
    )
    assert booking in body, "the booking link"

    # 2. The SMTP server goes down; a session is logged; its summary waits.
    sink.stop()
    consultant = Browser(shop["base"])
    consultant.json(
        "/web/session/authenticate",
        {"db": shop["db"], "login": "consultor", "password": "consultor"},
    )
    session_id = consultant.json(
        "/web/dataset/call_kw/support.session/create",
        {
            "model": "support.session",
            "method": "create",
            "args": [
                {
                    "contract_id": contract_id,
                    "duration": 1.0,
                    "objective": "Find why the stock valuation is wrong",
                    "activity": "Diagnosis of the valuation layers",
                }
            ],
            "kwargs": {},
        },
    )
    assert session_id
    count_before = len(sink.messages)
    _run_mail_queue(shop)
    with env_factory() as env:
        waiting = env["mail.mail"].search(
            [("model", "=", "support.session"), ("res_id", "=", session_id)]
        )
        assert waiting, "the summary is queued"
        assert set(waiting.mapped("state")) <= {"outgoing", "exception"}
        assert env["support.session"].browse(session_id).exists(), "nothing rolled back"
        assert all(mail.state == "outgoing" for mail in waiting), (
            "a mail the SMTP server could not take waits for the next run"
        )
    assert len(sink.messages) == count_before

    # 3. The SMTP server is back: the next run delivers what waited.
    sink.start()
    _run_mail_queue(shop)
    with env_factory() as env:
        left = env["mail.mail"].search(
            [
                ("model", "=", "support.session"),
                ("res_id", "=", session_id),
                ("state", "!=", "sent"),
            ]
        )
        assert not left.filtered(lambda m: m.state in ("outgoing", "exception"))
    assert len(sink.messages) > count_before
