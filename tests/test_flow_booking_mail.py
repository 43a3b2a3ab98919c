# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whole flow with real email: a client books its diagnosis from the link of
its confirmation email, and the client and the consultant are reminded of
the session once each, through the mail queue.

An SMTP sink (aiosmtpd) is the outgoing server of a real Odoo server started
on the test database. The demo consultant ('consultor') takes the bookings of
the demo diagnosis (demo data). The client, not logged in, opens the link and
books; the queue sends the confirmation with the .ics and the consultant's
calendar invitation. The reminder's time is then brought forward (as time
passing would) and the reminder action runs twice: one reminder each.
"""
# pylint: disable=invalid-commit
# (a second server must see the data: it is committed)

import re
import time
import urllib.parse
from datetime import date, timedelta

import pytest
from odoo_server import odoo_server  # tests/odoo_server.py
from test_flow_mail import Browser, Sink  # tests/test_flow_mail.py

import odoo


class Visitor(Browser):
    """A browser that also sends forms."""

    def post(self, path, values):
        data = urllib.parse.urlencode(values).encode()
        with self.opener.open(self.base + path, data=data, timeout=120) as response:
            return response.status, response.read().decode()


SLOT_RE = re.compile(r'name="slot"[^>]*\svalue="(\d+)"')
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def sink():
    sink = Sink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def booking_flow(env_factory, sink, tmp_path_factory):
    with env_factory() as env:
        env["ir.mail_server"].search([]).active = False  # the sink, nothing else
        env["ir.mail_server"].create(
            {
                "name": "SMTP sink (bookings)",
                "smtp_host": "127.0.0.1",
                "smtp_port": sink.port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )
        company = env.ref("asesorateya_support.company_asesorateya")
        plan = env.ref("asesorateya_support.support_plan_demo_diagnosis")
        consultant = env.ref("asesorateya_support.user_consultor")
        assert plan.booking_enabled and consultant in plan.booking_consultant_ids
        client = env["res.partner"].create(
            {
                "name": "Booking Flow SpA",
                "is_company": True,
                "email": "contacto@bookingflow.example",
                "tz": "America/Santiago",
            }
        )
        contract = (
            env["support.contract"]
            .with_company(company)
            .create(
                {
                    "partner_id": client.id,
                    "plan_id": plan.id,
                    "company_id": company.id,
                    "amount_paid": 60000,
                    "state": "confirmed",
                }
            )
        )
        data = {
            "db": env.cr.dbname,
            "contract": contract.id,
            "link": contract._get_booking_url(),
            "contract_name": contract.name,
            "client_email": client.email,
            "consultant_email": consultant.email,
            "mail_cron": env.ref("mail.ir_cron_mail_scheduler_action").id,
            "reminder_cron": env.ref(
                "asesorateya_support.ir_cron_booking_reminders"
            ).id,
        }
    log = tmp_path_factory.mktemp("bookingmail") / "server.log"
    with odoo_server(data["db"], log) as base:
        data["base"] = base
        yield data


def _run(flow, *crons):
    admin = Browser(flow["base"])
    admin.json(
        "/web/session/authenticate",
        {"db": flow["db"], "login": "admin", "password": "admin"},
    )
    for cron in crons:
        admin.json(
            "/web/dataset/call_kw/ir.cron/method_direct_trigger",
            {
                "model": "ir.cron",
                "method": "method_direct_trigger",
                "args": [[flow[cron]]],
                "kwargs": {},
            },
        )


def _received(sink, email, subject):
    return [
        message
        for rcpts, message in sink.messages
        if email in " ".join(rcpts) and subject in str(message["subject"])
    ]


def _body(message):
    return "\n".join(
        part.get_content()
        for part in message.walk()
        if part.get_content_type() in ("text/html", "text/plain")
    )


def test_book_from_the_email_link_then_reminders_once(env_factory, sink, booking_flow):
    flow = booking_flow
    # The confirmation of the purchase carries the link to the booking page.
    _run(flow, "mail_cron")
    [confirmation] = _received(sink, flow["client_email"], "book your session")
    assert flow["link"] in _body(confirmation)

    # The client, not logged in, books the first free time that starts after
    # the reminder time (a slot's value is its start, in seconds since the
    # epoch): one booked sooner gets no reminder, whatever the hour the test
    # runs at. The page shows a week; the following weeks are asked for.
    visitor = Visitor(flow["base"])
    link = urllib.parse.urlsplit(flow["link"])
    path = f"{link.path}?{link.query}"
    with env_factory() as env:
        contract = env["support.contract"].browse(flow["contract"])
        hours = contract.company_id.support_booking_reminder_hours
    after = time.time() + hours * 3600 + 3600
    slot, monday = None, date.today()
    for _week in range(4):
        status, page = visitor.get(f"{path}&week={monday.isoformat()}")
        assert status == 200
        slot = next((s for s in SLOT_RE.findall(page) if int(s) > after), None)
        if slot:
            break
        monday += timedelta(days=7)
    assert slot, "a free time after the reminder time, within four weeks"
    status, page = visitor.post(
        path, {"csrf_token": CSRF_RE.search(page).group(1), "slot": slot}
    )
    assert status == 200 and "o_support_message" in page
    with env_factory() as env:
        booking = env["support.contract"].browse(flow["contract"]).booking_ids
        assert booking.state == "booked"
        booking_id = booking.id

    # The queue sends the client its confirmation with the .ics, and the
    # consultant Odoo's calendar invitation.
    _run(flow, "mail_cron")
    booked = _received(sink, flow["client_email"], "Session booked") or _received(
        sink, flow["client_email"], "Sesión agendada"
    )
    assert len(booked) == 1
    calendars = [
        part for part in booked[0].walk() if part.get_content_type() == "text/calendar"
    ]
    assert calendars and b"BEGIN:VEVENT" in calendars[0].get_payload(decode=True)
    invitations = [
        message
        for rcpts, message in sink.messages
        if flow["consultant_email"] in " ".join(rcpts)
        and flow["contract_name"] in str(message["subject"])
        and any(part.get_filename() == "invitation.ics" for part in message.walk())
    ]
    assert len(invitations) == 1

    # Time passes: the reminder is due. Two runs of the reminder action, and
    # of the queue, send one reminder each.
    with env_factory() as env:
        booking = env["support.booking"].browse(booking_id)
        assert booking.reminder_state == "queued"
        due = odoo.fields.Datetime.now() - timedelta(minutes=1)
        booking.with_context(support_booking_sync=True).reminder_date = due
    before = len(sink.messages)
    _run(flow, "reminder_cron", "mail_cron")
    _run(flow, "reminder_cron", "mail_cron")
    new = sink.messages[before:]
    to_client = [m for rcpts, m in new if flow["client_email"] in " ".join(rcpts)]
    to_consultant = [
        m for rcpts, m in new if flow["consultant_email"] in " ".join(rcpts)
    ]
    reminder_words = ("Reminder", "Recordatorio")
    assert (
        len(
            [
                m
                for m in to_client
                if any(w in str(m["subject"]) for w in reminder_words)
            ]
        )
        == 1
    ), [str(m["subject"]) for m in to_client]
    assert (
        len(
            [
                m
                for m in to_consultant
                if "Booking Flow SpA" in str(m["subject"])
                and (
                    "Session with" in str(m["subject"])
                    or "Sesión con" in str(m["subject"])
                )
            ]
        )
        == 1
    ), [str(m["subject"]) for m in to_consultant]
    # Before a diagnosis: the case form (policy §9).
    reminder = next(
        m for m in to_client if any(w in str(m["subject"]) for w in reminder_words)
    )
    assert "#case" in _body(reminder)
    with env_factory() as env:
        assert env["support.booking"].browse(booking_id).reminder_state == "sent"
