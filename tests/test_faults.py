# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Faults: the database drops every connection during a load run.

What an Odoo server sees when PostgreSQL restarts is every one of its
connections ended at once, in the middle of whatever it was doing. The
PostgreSQL cluster is shared, so it is not restarted: the test ends every
backend of the server's database instead (``pg_terminate_backend``, which a
role may do to its own connections), every ``ASY_FAULT_KILL_EVERY`` (2)
seconds, while a real server (``--workers=2``) takes a short load for
``ASY_FAULT_SECONDS`` (20) seconds: consultants log sessions on hour bags,
and one cancels contracts through the cancellation wizard, which makes a
``support.cancellation`` and a ``support.credit``.

Every call ends in one of three ways: accepted (its result came back),
refused (a ``UserError``/``ValidationError``: rolled back, nothing written;
besides the rules' refusals, Odoo's mail templates report a fault met while
rendering an email as "Failed to render ... template") or unknown (the
connection dropped: it may or may not have committed). At the end:

- the server answers again, every call, once the faults stop;
- every accepted log and cancellation is in the database, nothing refused is,
  and nothing the clients never sent;
- nothing is half-written: each bag's hours used are the sum of its logs,
  none below zero and its state agrees; every log has its contract and a
  duration; a contract is cancelled exactly when it has one settled
  cancellation with one credit of the refundable amount.

The data is committed in a company of its own, "Fault Test SpA".
"""
# pylint: disable=invalid-commit,print-used
# (a second server must see the data: it is committed, and the report printed)

import json
import os
import threading
import time
import urllib.error

import pytest
from load_common import (  # tests/
    REFUSALS,
    Consultant,
    LoginFailed,
    create_load_data,
)
from odoo_server import odoo_server  # tests/odoo_server.py

import odoo

CLIENTS = 6
BAGS = 3
BAG_HOURS = 40.0
LOG_HOURS = 0.25
#: Contracts the last consultant cancels one after another: 10 h bags paid
#: 100 000 with 1 h logged, each giving a credit of 90 000 (policy §10).
CANCELS = 12
CANCEL_CREDIT = 90000.0


def create_fault_data(name="Fault Test SpA"):
    """Commit a company (``name``) with consultants, bags to log on and bags
    to cancel, on the database of Odoo's configuration (also run in an
    ``odoo-bin shell`` on another cluster, by ``test_pg_restart.py``).

    :return: the dict of ``create_load_data``, with ``to_cancel``
    """
    data = create_load_data(name, CLIENTS + 1, BAGS, BAG_HOURS)
    registry = odoo.registry(data["db"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr,
            odoo.SUPERUSER_ID,
            {"tracking_disable": True, "allowed_company_ids": [data["company"]]},
        )
        # The cancellation emails the client on the consultant's behalf.
        for user in env["res.users"].search([("login", "in", data["logins"])]):
            user.email = f"{user.login}@asesorateya.test"
        product = env["product.product"].create(
            {
                "name": "Fault bag",
                "type": "service",
                "list_price": 100000,
                "company_id": data["company"],
            }
        )
        plan = env["support.plan"].create(
            {
                "name": "Fault bag",
                "kind": "hour_bag",
                "product_id": product.id,
                "hours_included": 10.0,
                "company_id": data["company"],
            }
        )
        to_cancel = env["support.contract"].create(
            [
                {
                    "partner_id": data["partner"],
                    "plan_id": plan.id,
                    "company_id": data["company"],
                    "scope": "Fault test scope",
                    "amount_paid": 100000,
                    "state": "confirmed",
                }
                for _index in range(CANCELS)
            ]
        )
        consultant = env["res.users"].search([("login", "=", data["logins"][0])])
        for contract in to_cancel:
            env["support.session"].create(
                {
                    "contract_id": contract.id,
                    "user_id": consultant.id,
                    "duration": 1.0,
                    "objective": "Before the faults",
                    "activity": "Started the service",
                }
            )
        data["to_cancel"] = to_cancel.ids
    return data


@pytest.fixture(scope="module")
def fault_data():
    """Company, consultants, bags to log on and bags to cancel, committed."""
    return create_fault_data()


@pytest.fixture(scope="module")
def server(fault_data, tmp_path_factory):
    """An Odoo server with two workers on loopback, on the test database."""
    log = tmp_path_factory.mktemp("faults") / "server.log"
    with odoo_server(fault_data["db"], log, "--workers=2") as base:
        yield {"base": base, "log": log}


def outcome_of(call):
    """Run one JSON-RPC call: ``("accepted", result)``, ``("refused", error)``
    or ``("unknown", error)`` when the connection or the database failed."""
    try:
        _status, answer = call()
    except (OSError, urllib.error.URLError, ValueError) as error:
        # HTTP 5xx, a dropped socket, a half-sent answer.
        return "unknown", repr(error)
    if "result" in answer:
        return "accepted", answer["result"]
    name = answer["error"]["data"]["name"]
    if name in REFUSALS:
        return "refused", answer["error"]["data"]["message"]
    return "unknown", name


def end_backends(db):
    """End every connection to ``db`` but this process's own, as a restart
    of PostgreSQL does to the server's.

    :return: how many were ended
    """
    with odoo.registry(db).cursor() as cr:
        cr.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND application_name <> %s",
            [db, f"odoo-{os.getpid()}"],
        )
        return cr.fetchone()[0]


class FaultRun:
    """Consultants calling the server while its connections are ended."""

    def __init__(self, data, base):
        self.data, self.base = data, base
        self.logs = {"accepted": {}, "refused": {}, "unknown": set()}
        self.cancels = {"accepted": {}, "refused": {}, "unknown": {}, "not_sent": set()}
        self.errors, self.kills = [], []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        # The run starts once every client is logged in (hashing is slow).
        self.ready = threading.Barrier(CLIENTS + 2, timeout=180)

    def login(self, number):
        """A logged-in consultant; the server may be down for a moment too."""
        for _attempt in range(20):
            try:
                return Consultant(
                    self.base, self.data["db"], self.data["logins"][number]
                )
            except (OSError, ValueError, LoginFailed):
                time.sleep(0.5)
        raise AssertionError("the consultant could not log in")

    def logger(self, number):
        """Log sessions, each with its own objective, until the run stops."""
        consultant = self.login(number)
        self.ready.wait()
        index = 0
        while not self.stop.is_set():
            index += 1
            bag = self.data["bags"][(number + index) % BAGS]
            objective = f"Fault {number}-{index}"
            kind, value = outcome_of(
                lambda c=consultant, b=bag, o=objective: c.log(b, o, LOG_HOURS)
            )
            with self.lock:
                if kind == "accepted":
                    self.logs["accepted"][objective] = (bag, value)
                elif kind == "refused":
                    self.logs["refused"][objective] = value
                else:
                    self.logs["unknown"].add(objective)
                    self.errors.append(value)
            if value == "odoo.http.SessionExpiredException":
                consultant = self.login(number)

    def canceller(self):
        """Cancel the contracts one after another, as the backend does: the
        wizard, then its confirmation."""
        consultant = self.login(CLIENTS)
        self.ready.wait()
        for contract_id in self.data["to_cancel"]:
            if self.stop.is_set():
                break
            kind, wizard = outcome_of(
                lambda contract_id=contract_id: consultant.call(
                    "support.contract.cancel",
                    "create",
                    {"contract_id": contract_id, "reason": "Asked under faults"},
                )
            )
            if kind != "accepted":
                # No wizard, so no cancellation: the contract stays active.
                with self.lock:
                    self.cancels["not_sent"].add(contract_id)
                continue
            kind, value = outcome_of(
                lambda wizard=wizard: consultant.call(
                    "support.contract.cancel", "action_confirm", [wizard]
                )
            )
            with self.lock:
                self.cancels[kind][contract_id] = value
                if kind == "unknown":
                    self.errors.append(value)

    def run(self, seconds, kill_every, fault=None, rounds=None):
        """The load for ``seconds``, the connections ended every
        ``kill_every`` seconds but in its last second.

        :param fault: what is done each time instead of ending the
            connections (``fault(round)``, returns what is reported in
            ``kills``), e.g. a real restart of PostgreSQL
        :param rounds: do exactly that many faults, ``kill_every`` seconds
            apart, the load going on ``kill_every`` seconds after the last
            (and at least ``seconds`` in all), however long each takes
        """
        fault = fault or (lambda _round: end_backends(self.data["db"]))
        threads = [
            threading.Thread(target=self.logger, args=(n,)) for n in range(CLIENTS)
        ]
        threads.append(threading.Thread(target=self.canceller))
        for thread in threads:
            thread.start()
        self.ready.wait()
        stop_at = time.monotonic() + seconds
        time.sleep(min(kill_every, seconds / 4))
        while len(self.kills) < rounds if rounds else time.monotonic() < stop_at - 1:
            self.kills.append(fault(len(self.kills)))
            time.sleep(kill_every)
        time.sleep(max(stop_at - time.monotonic(), 1))
        self.stop.set()
        for thread in threads:
            thread.join(timeout=180)
            assert not thread.is_alive(), "a client never got an answer"

    def report(self, seconds):
        refusals = [*self.logs["refused"].values(), *self.cancels["refused"].values()]
        return {
            "seconds": seconds,
            "connections_ended": self.kills,
            "logs": {key: len(value) for key, value in self.logs.items()},
            "cancels": {key: len(value) for key, value in self.cancels.items()},
            "unknown_errors": sorted(set(self.errors)),
            # The rules' refusals, and faults met while rendering an email,
            # which Odoo's mail templates report as a UserError.
            "refusals": sorted({message[:80] for message in refusals}),
        }


def check_logs(env, data, logs):
    """The accepted logs are there, the refused are not, the others may be;
    each bag's balance is the sum of its logs.

    :return: how many logs of unknown outcome were written
    """
    bags = env["support.contract"].browse(data["bags"])
    sessions = env["support.session"].search([("contract_id", "in", bags.ids)])
    stored = {s.objective: s for s in sessions}
    assert len(stored) == len(sessions), "each request logged once"
    for objective, (bag, session_id) in logs["accepted"].items():
        assert objective in stored, f"accepted log {objective} lost"
        assert stored[objective].id == session_id
        assert stored[objective].contract_id.id == bag
    assert not set(stored) & set(logs["refused"]), "a refused log was written"
    assert set(stored) <= set(logs["accepted"]) | logs["unknown"]
    for bag in bags:
        logged = sessions.filtered(lambda s, bag=bag: s.contract_id == bag)
        total = sum(logged.mapped("duration"))
        assert bag.hours_used == pytest.approx(total), bag.name
        assert bag.hours_used <= BAG_HOURS + 1e-6, "no bag below zero"
        assert bag.hours_remaining == pytest.approx(BAG_HOURS - total)
        exhausted = bag.hours_remaining < 1e-6
        assert bag.state == ("exhausted" if exhausted else "active"), bag.name
    return len(set(stored) & logs["unknown"])


def check_cancellations(env, data, cancels):
    """Each cancellation is whole or not at all: the contract cancelled, one
    settled cancellation, one credit of the refundable amount.

    :return: how many cancellations of unknown outcome were written
    """
    written = 0
    for contract in env["support.contract"].browse(data["to_cancel"]):
        cancellation = contract.cancellation_ids
        credits = env["support.credit"].search([("contract_id", "=", contract.id)])
        if contract.id in cancels["accepted"]:
            assert contract.state == "cancelled", contract.name
        elif contract.id not in cancels["unknown"]:
            # Refused, or never sent: nothing written.
            assert contract.state == "active", contract.name
        if contract.state == "cancelled":
            assert len(cancellation) == 1, contract.name
            assert cancellation.state == "done"
            assert cancellation.decision == "credit"
            assert cancellation.credit_id == credits
            assert credits.amount == CANCEL_CREDIT
            assert contract.hours_used == 1.0
            written += contract.id in cancels["unknown"]
        else:
            assert contract.state == "active", contract.name
            assert not cancellation and not credits, contract.name
    return written


def test_database_connections_dropped_under_load(fault_data, server):
    seconds = float(os.environ.get("ASY_FAULT_SECONDS", 20))
    kill_every = float(os.environ.get("ASY_FAULT_KILL_EVERY", 2))
    run = FaultRun(fault_data, server["base"])
    run.run(seconds, kill_every)

    # The server answers again, every call, once the faults stop.
    consultant = run.login(0)
    answers = [
        outcome_of(
            lambda: consultant.call(
                "support.contract", "read", fault_data["bags"], ["hours_remaining"]
            )
        )
        for _index in range(6)
    ]
    print(f"\nfaults: {json.dumps(run.report(seconds))}")
    assert [kind for kind, _value in answers] == ["accepted"] * 6, answers
    assert sum(run.kills) >= len(run.kills), "each round ended connections"
    assert run.logs["accepted"], "logs went through between the faults"
    assert run.cancels["accepted"], "cancellations went through between the faults"

    with odoo.registry(fault_data["db"]).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        # Nothing half-written anywhere in the company: every log has its
        # contract and a duration.
        cr.execute(
            "SELECT count(*) FROM support_session WHERE company_id = %s "
            "AND (contract_id IS NULL OR duration IS NULL OR duration <= 0)",
            [fault_data["company"]],
        )
        assert cr.fetchone()[0] == 0
        logs = check_logs(env, fault_data, run.logs)
        cancellations = check_cancellations(env, fault_data, run.cancels)
    print(f"faults: written though unknown: {logs} logs, {cancellations} cancels")
