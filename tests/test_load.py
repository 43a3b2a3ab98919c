# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Load: 20 clients log sessions at once on a few hour bags, on a real server.

A second Odoo server (``--workers=2``, loopback only) serves the test
database while 20 threads, each logged in as a consultant, log sessions
through JSON-RPC on 4 small hour bags for ``ASY_LOAD_SECONDS`` (60) seconds.
The bags run out during the run, so the test also sees the refusals of the
balance rule under contention. At the end:

- no HTTP 500 and no error other than the balance rule's refusal (Odoo itself
  retries the serialization conflicts of concurrent logs);
- every log the server accepted is in the database, and nothing else;
- no bag went below zero, and each bag's hours used equal the sum of its logs
  and the sum of their timesheet lines (one line a log).

Then the same 20 consultants log Odoo's plain timesheet lines (on tasks of
a plain project) under the same load, for the same time: the reference of
a log's latency, each log being a timesheet line too. Throughput and
p50/p95 latency of both runs are printed in one table (and kept in
``ASY_TEST_OUTPUT``, ``load-report.json``).
The data is committed in a company of its own, "Load Test SpA".
"""
# pylint: disable=invalid-commit,print-used
# (a second server must see the data: it is committed, and the report printed)

import json
import os
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
from datetime import timezone
from pathlib import Path

import pytest
from load_common import REFUSALS, Consultant, create_load_data  # tests/
from odoo_server import memory_of, odoo_server  # tests/odoo_server.py
from portal_http import Client as PortalClient  # tests/portal_http.py
from test_booking_race import CSRF_RE, _slots  # tests/
from test_booking_race import _create_data as _create_booking_data

import odoo

CLIENTS = 20
BAGS = 4
#: Three bags large enough to take logs for the whole run (the throughput of
#: accepted logs), one that runs out early (the balance rule under load).
BAG_HOURS = (500.0, 500.0, 500.0, 2.0)
LOG_HOURS = 0.25
#: Odoo 17's default limit_memory_soft (odoo/tools/config.py), which the
#: server runs with: ``odoo_server`` sets no memory limit.
LIMIT_MEMORY_SOFT_MIB = 2048


@pytest.fixture(scope="module")
def load_data():
    """Company, consultant and bags, committed (the server must see them)."""
    return create_load_data("Load Test SpA", CLIENTS, BAGS, BAG_HOURS)


@pytest.fixture(scope="module")
def server(load_data, tmp_path_factory):
    """An Odoo server with two workers on loopback, on the test database."""
    log = tmp_path_factory.mktemp("load") / "server.log"
    info = {}
    with odoo_server(load_data["db"], log, "--workers=2", info=info) as base:
        yield {"base": base, "log": log, "pid": info["pid"]}


def memory_report(samples, after):
    """The server's resident memory (MiB) during and after the run: the
    largest of any worker, the workers' after it, the main process's, beside
    Odoo 17's default ``limit_memory_soft`` (2048 MiB: a worker above it is
    recycled after its request)."""
    workers = [
        mib for sample in samples for role, mib in sample.values() if role == "worker"
    ]
    return {
        "limit_memory_soft_mib": LIMIT_MEMORY_SOFT_MIB,
        "samples": len(samples),
        "worker_max_mib": round(max(workers, default=0), 1),
        "workers_after_mib": sorted(
            round(mib, 1) for role, mib in after.values() if role == "worker"
        ),
        "server_after_mib": round(
            sum(mib for role, mib in after.values() if role == "server"), 1
        ),
        "gevent_after_mib": round(
            sum(mib for role, mib in after.values() if role == "gevent"), 1
        ),
    }


#: The reports of the runs, side by side (the session logs, then Odoo's plain
#: timesheet lines under the same load), written to ``load-report.json``.
REPORTS = {}


@pytest.fixture(scope="module")
def plain_tasks(load_data):
    """Tasks of a plain project of the load company, one per bag, where the
    same consultants log plain timesheet lines (Odoo's own, no support)."""
    registry = odoo.registry(load_data["db"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        env = env(context=dict(env.context, allowed_company_ids=[load_data["company"]]))
        project = env["project.project"].create(
            {
                "name": "Load plain timesheets",
                "company_id": load_data["company"],
                "allow_timesheets": True,
                "privacy_visibility": "employees",
            }
        )
        tasks = env["project.task"].create(
            [{"name": f"Task {n}", "project_id": project.id} for n in range(BAGS)]
        )
        cr.commit()
        return tasks.ids


def _run_load(load_data, server, log):
    """20 consultants call ``log(consultant, target_index, label)`` at once
    for ``ASY_LOAD_SECONDS``; return the outcomes and the report."""
    seconds = float(os.environ.get("ASY_LOAD_SECONDS", 60))
    accepted, refused, conflicts, failures, latencies = [], [], [], [], []
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def client(number):
        login = load_data["logins"][number]
        consultant = Consultant(server["base"], load_data["db"], login)
        index = 0
        while time.time() < stop_at:
            bag = (number + index) % BAGS
            index += 1
            t0 = time.perf_counter()
            try:
                status, answer = log(consultant, bag, f"Load {number}-{index}")
            except urllib.error.HTTPError as error:
                with lock:
                    failures.append(f"HTTP {error.code}")
                continue
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if "result" in answer:
                    accepted.append((bag, answer["result"]))
                elif answer["error"]["data"]["name"] in REFUSALS:
                    refused.append(answer["error"]["data"]["message"])
                elif answer["error"]["data"]["name"].startswith("psycopg2.errors."):
                    # A serialization conflict Odoo retried 5 times and gave
                    # up on: allowed, counted, and nothing may be half-written.
                    conflicts.append(answer["error"]["data"]["name"])
                else:
                    failures.append(answer["error"]["data"]["name"])

    # The server's memory, sampled every second during the run and read
    # once after it, against Odoo's limit_memory_soft.
    samples = []
    sampling = threading.Event()

    def sample():
        while not sampling.wait(1.0):
            samples.append(memory_of(server["pid"]))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    sampler = threading.Thread(target=sample)
    started = time.perf_counter()
    sampler.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    sampling.set()
    sampler.join()
    after = memory_of(server["pid"])

    calls = len(latencies)
    ordered = sorted(latencies)
    report = {
        "clients": CLIENTS,
        "seconds": round(duration, 1),
        "calls": calls,
        "accepted": len(accepted),
        "refused": len(refused),
        "conflicts_given_up": len(conflicts),
        "failures": len(failures),
        "throughput_per_s": round(calls / duration, 1),
        "accepted_per_s": round(len(accepted) / duration, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (calls - 1))] * 1000, 1)
        if ordered
        else None,
        "memory": memory_report(samples, after),
    }
    return accepted, refused, failures, calls, report


def _write_reports(tmp_path):
    """``load-report.json``: the runs side by side, and one table printed."""
    output = Path(os.environ.get("ASY_TEST_OUTPUT", tmp_path))
    reports = dict(REPORTS)
    if "sessions" in reports and "plain_timesheets" in reports:
        plain = reports["plain_timesheets"]["p95_ms"]
        reports["session_p95_over_plain_p95"] = (
            round(reports["sessions"]["p95_ms"] / plain, 2) if plain else None
        )
    (output / "load-report.json").write_text(json.dumps(reports, indent=2) + "\n")
    print("\nload:")
    print(f"{'run':<18}{'calls':>7}{'accepted':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for name in ("sessions", "plain_timesheets"):
        if name in REPORTS:
            run = REPORTS[name]
            print(
                f"{name:<18}{run['calls']:>7}{run['accepted']:>10}"
                f"{run['p50_ms']:>9}{run['p95_ms']:>9}"
            )


def test_twenty_clients_log_at_once(load_data, server, tmp_path):
    def log(consultant, bag, label):
        return consultant.log(load_data["bags"][bag], label, LOG_HOURS)

    accepted, refused, failures, calls, report = _run_load(load_data, server, log)
    REPORTS["sessions"] = report
    _write_reports(tmp_path)

    assert not failures, f"unexpected errors: {sorted(set(failures))}"
    memory = report["memory"]
    assert len(memory["workers_after_mib"]) == 2, f"two HTTP workers: {memory}"
    assert 0 < memory["worker_max_mib"] < memory["limit_memory_soft_mib"], memory
    assert accepted, "no log was accepted"
    assert calls >= CLIENTS, "every client got answers"
    # The refusals are the balance rule's: beyond the hours left, or the bag
    # already exhausted.
    assert all(
        "goes beyond" in message or "takes no session logs" in message
        for message in refused
    ), refused[:3]

    # Every accepted log is there, nothing else, and no bag went below zero.
    registry = odoo.registry(load_data["db"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bags = env["support.contract"].browse(load_data["bags"])
        sessions = env["support.session"].search([("contract_id", "in", bags.ids)])
        assert sorted(sessions.ids) == sorted(sid for _bag, sid in accepted)
        # Each log is one timesheet line of its own, of the same hours: no
        # hour lost or doubled between the bag, its logs and the timesheets.
        lines = sessions.timesheet_id
        assert len(lines) == len(sessions), "one timesheet line per log"
        assert all(lines.mapped("unit_amount")), "no line without hours"
        for bag in bags:
            logs = sessions.filtered(lambda s, bag=bag: s.contract_id == bag)
            total = sum(logs.mapped("duration"))
            assert bag.hours_used == pytest.approx(total)
            timesheet_total = sum(logs.timesheet_id.mapped("unit_amount"))
            assert timesheet_total == pytest.approx(total), "timesheets = logs"
            hours = load_data["bag_hours"][bag.id]
            assert bag.hours_used <= hours + 1e-6, "no bag below zero"
            assert bag.hours_remaining >= 0
            assert bag.hours_remaining == pytest.approx(hours - total)
        small = bags.filtered(lambda b: b.hours_included == min(BAG_HOURS))
        assert small.hours_remaining == 0, "the small bag ran out under load"


def test_twenty_clients_log_plain_timesheets(load_data, plain_tasks, server, tmp_path):
    """The same load, logging Odoo's plain timesheet lines: the reference of
    the session logs' latency (the issue's target: the session's p95 at most
    1.2 times the plain line's; reported, not asserted: speed is shown, not
    timed in a test)."""

    def log(consultant, task, label):
        return consultant.call(
            "account.analytic.line",
            "create",
            {"task_id": plain_tasks[task], "name": label, "unit_amount": LOG_HOURS},
        )

    accepted, _refused, failures, calls, report = _run_load(load_data, server, log)
    REPORTS["plain_timesheets"] = report
    _write_reports(tmp_path)
    assert not failures, f"unexpected errors: {sorted(set(failures))}"
    assert calls >= CLIENTS, "every client got answers"
    registry = odoo.registry(load_data["db"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        lines = env["account.analytic.line"].search([("task_id", "in", plain_tasks)])
        assert sorted(lines.ids) == sorted(line_id for _task, line_id in accepted)


def test_twenty_clients_book_at_once(server):
    """Clients book under the same load: 20 portal sessions (four people of
    two clients, on two bags of 10 one-hour sessions of one consultant) each
    read the booking page and book one of its first free times, for a third
    of ``ASY_LOAD_SECONDS``, so that many ask for the same time at once and
    the bags run out. No time is booked twice, every booking accepted is
    there and nothing else, and no bag books more hours than it holds."""
    data = _create_booking_data("load")
    seconds = float(os.environ.get("ASY_LOAD_SECONDS", 60)) / 3
    stop_at = time.time() + seconds
    accepted, told, failures, latencies = [], [], [], []
    lock = threading.Lock()
    keys = sorted(data["logins"])

    def client(number):
        key = keys[number % len(keys)]
        path = f"/my/support/{data['contracts'][key[0]]}/booking"
        portal = PortalClient(server["base"], data["db"], data["logins"][key])
        chooser = random.Random(number)
        while time.time() < stop_at:
            t0 = time.perf_counter()
            try:
                _url, page = portal.get(path)
                slots = _slots(page)
                if not slots:
                    with lock:
                        told.append("no free time left")
                    time.sleep(0.5)
                    continue
                slot = chooser.choice(slots[:3])
                url, page = portal.post(
                    path,
                    {"csrf_token": CSRF_RE.search(page).group(1), "slot": str(slot)},
                )
            except urllib.error.HTTPError as error:
                with lock:
                    failures.append(f"HTTP {error.code}")
                continue
            with lock:
                latencies.append(time.perf_counter() - t0)
                if "message=booked" in url:
                    accepted.append((key[0], slot))
                elif "o_support_error" in page:
                    told.append(page[page.index("o_support_error") :][:300])
                else:
                    failures.append(url)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    REPORTS["bookings"] = {
        "clients": CLIENTS,
        "calls": len(latencies),
        "accepted": len(accepted),
        "told": len(told),
        "failures": len(failures),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
    }
    print(f"\nbookings under load: {REPORTS['bookings']}")
    assert not failures, failures[:5]
    assert accepted, "some times were booked"

    registry = odoo.registry(data["db"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bookings = env["support.booking"].search(
            [("consultant_id", "=", data["consultant"]), ("state", "=", "booked")]
        )
        starts = [
            int(start.replace(tzinfo=timezone.utc).timestamp())
            for start in bookings.mapped("start")
        ]
        # No time booked twice: one session of the consultant a time.
        assert len(starts) == len(set(starts)), "a time booked twice"
        # Every booking accepted is there, and nothing else.
        assert sorted(starts) == sorted(slot for _key, slot in accepted)
        for key in ("a", "b"):
            contract = env["support.contract"].browse(data["contracts"][key])
            mine = bookings.filtered(lambda b, c=contract: b.contract_id == c)
            assert len(mine) == sum(1 for k, _slot in accepted if k == key)
            booked_hours = sum(mine.mapped("duration"))
            assert booked_hours <= contract.hours_included + 1e-6, (
                "a bag booked more hours than it holds"
            )
