# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real PostgreSQL restart under load, on a private cluster.

``test_faults.py`` ends the server's connections because the machine's
cluster is shared. Here the test owns a cluster of its own: ``initdb`` in a
temporary folder, ``pg_ctl`` on a free loopback port (as the user
``postgres`` when the test runs as root: ``initdb`` refuses root), removed at
the end. It installs asesorateya_support with demo data in it, commits the
fault test's data (``create_fault_data``, in an ``odoo-bin shell``), serves
it with ``--workers=2`` and, while 6 consultants log sessions and one cancels
contracts through the wizard (``FaultRun``), restarts PostgreSQL for real
twice: ``pg_ctl restart -m immediate`` (every backend killed, crash recovery
from the WAL on start), then ``-m fast`` (transactions rolled back, a
checkpoint). Then:

- the server answers again within ``RECOVERY_BOUND`` seconds of each
  restart's return (measured: a consultant's call polled until accepted),
  and every call once the run ends;
- every accepted log and cancellation is stored, nothing refused is, and
  nothing is half-written (``check_logs``, ``check_cancellations``, run in
  an ``odoo-bin shell`` on the private cluster).

It takes some 3 to 5 minutes, most of it the install. Skipped when
PostgreSQL's server programs are not found (``ASY_PG_BIN`` names their
folder).
"""
# pylint: disable=print-used

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from odoo_server import free_port, odoo_command, odoo_server  # tests/
from test_faults import Consultant, FaultRun, outcome_of  # tests/

TESTS = Path(__file__).resolve().parent
DB = "asy_pg_restart"
#: Seconds within which the server answers again after a restart returned.
RECOVERY_BOUND = 30.0
#: Seconds of load at least; a restart after a third of it, the next a
#: third after the server answers again, the load a third longer after.
SECONDS = float(os.environ.get("ASY_PG_RESTART_SECONDS", 24))
MODES = ("immediate", "fast")


def pg_bin_dir():
    """The folder of initdb and pg_ctl, or None."""
    candidates = [os.environ.get("ASY_PG_BIN", "")]
    found = shutil.which("pg_ctl")
    candidates += [os.path.dirname(found) if found else ""]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in filter(None, map(str, candidates)):
        if all(os.access(Path(folder, p), os.X_OK) for p in ("initdb", "pg_ctl")):
            return folder
    return None


class Cluster:
    """A PostgreSQL cluster owned by the test, in a temporary folder.

    As root, its programs run as the user ``postgres`` (``initdb`` refuses
    root), which owns the folder.
    """

    def __init__(self, bin_dir):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="asy_pg_restart_"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "postgresql.log"
        self.as_user = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")

    def run(self, program, *args):
        return subprocess.run(
            [*self.as_user, str(Path(self.bin_dir, program)), *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def init(self):
        # The superuser is "odoo": Odoo refuses to connect as "postgres".
        self.run(
            "initdb", "-D", str(self.data), "-U", "odoo", "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def pg_ctl(self, action, *args):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root} -c max_connections=60"
        )
        return self.run(
            "pg_ctl", action, "-D", str(self.data), "-l", str(self.log),
            "-w", "-t", "120", "-o", options, *args,
        )  # fmt: skip

    def remove(self):
        with contextlib.suppress(subprocess.SubprocessError):
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    bin_dir = pg_bin_dir()
    if not bin_dir:
        pytest.skip("initdb/pg_ctl not found (set ASY_PG_BIN)")
    cluster = Cluster(bin_dir)
    try:
        cluster.init()
        cluster.pg_ctl("start")
        yield cluster
    finally:
        cluster.remove()


def on_cluster(cluster):
    """odoo-bin options pointing at the private cluster and its filestore."""
    return [
        "--db_host=127.0.0.1",
        f"--db_port={cluster.port}",
        "--db_user=odoo",
        f"--data-dir={cluster.root / 'odoo'}",
    ]


def odoo_shell(cluster, code, timeout=600):
    """Run Python ``code`` in an ``odoo-bin shell`` on the private cluster's
    database (``env`` is given; ``tests/`` is importable); it writes its
    answer as JSON to the file named ``OUT``.

    :return: that answer
    """
    out = cluster.root / f"shell-{time.monotonic_ns()}.json"
    script = f"import sys\nsys.path.insert(0, {str(TESTS)!r})\nOUT = {str(out)!r}\n"
    cmd = odoo_command(
        DB, *on_cluster(cluster), "--no-http", "--log-level=warn", command="shell"
    )
    done = subprocess.run(
        cmd,
        input=script + code,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if not out.exists():
        pytest.fail(f"odoo-bin shell gave no answer:\n{done.stderr[-3000:]}")
    return json.loads(out.read_text())


SETUP = """
import json
from test_faults import create_fault_data
json.dump(create_fault_data("PG Restart SpA"), open(OUT, "w"))
"""

CHECK = """
import json
from test_faults import check_cancellations, check_logs
run = json.load(open(IN))
logs = {
    "accepted": {o: tuple(v) for o, v in run["logs"]["accepted"].items()},
    "refused": run["logs"]["refused"],
    "unknown": set(run["logs"]["unknown"]),
}
cancels = {k: {int(c): v for c, v in run["cancels"][k].items()}
           for k in ("accepted", "refused", "unknown")}
env.cr.execute(
    "SELECT count(*) FROM support_session WHERE company_id = %s "
    "AND (contract_id IS NULL OR duration IS NULL OR duration <= 0)",
    [run["data"]["company"]],
)
answer = {"half_written": env.cr.fetchone()[0]}
try:
    answer["logs_unknown_written"] = check_logs(env, run["data"], logs)
    answer["cancels_unknown_written"] = check_cancellations(
        env, run["data"], cancels
    )
except AssertionError as error:
    answer["failed"] = repr(error)
json.dump(answer, open(OUT, "w"))
"""


@pytest.fixture(scope="module")
def restart_data(cluster):
    """asesorateya_support with demo data on the private cluster, and the
    fault test's company, consultants and contracts, committed."""
    log = cluster.root / "install.log"
    started = time.monotonic()
    subprocess.run(
        odoo_command(
            DB,
            *on_cluster(cluster),
            "-i",
            "asesorateya_support",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
            f"--logfile={log}",
        ),
        check=True,
        timeout=1800,
    )
    data = odoo_shell(cluster, SETUP)
    data["db"] = DB
    data["install_s"] = round(time.monotonic() - started, 1)
    return data


class Restarter:
    """Restarts the private cluster for real, one mode a round, and times
    how long the server takes to answer a consultant again."""

    def __init__(self, cluster, data, base):
        self.cluster, self.data, self.base = cluster, data, base
        self.rounds = []

    def __call__(self, index):
        mode = MODES[index]
        started = time.monotonic()
        self.cluster.pg_ctl("restart", "-m", mode)
        restarted = time.monotonic()
        consultant = None
        while time.monotonic() - restarted < 2 * RECOVERY_BOUND:
            try:
                consultant = consultant or Consultant(
                    self.base, self.data["db"], self.data["logins"][0]
                )
            except Exception:  # noqa: BLE001 (down for a moment: try again)
                time.sleep(0.2)
                continue
            kind, _value = outcome_of(
                lambda c=consultant: c.call(
                    "support.contract", "read", self.data["bags"], ["hours_used"]
                )
            )
            if kind == "accepted":
                break
            time.sleep(0.2)
        self.rounds.append(
            {
                "mode": mode,
                "restart_s": round(restarted - started, 2),
                "answers_again_s": round(time.monotonic() - restarted, 2),
            }
        )
        return 1


def test_postgresql_restarted_under_load(cluster, restart_data, tmp_path):
    log = tmp_path / "server.log"
    with odoo_server(DB, log, "--workers=2", *on_cluster(cluster)) as base:
        run = FaultRun(restart_data, base)
        restarter = Restarter(cluster, restart_data, base)
        # One restart of each mode, the load going on between and after.
        run.run(SECONDS, SECONDS / 3, fault=restarter, rounds=len(MODES))
        consultant = run.login(0)
        answers = [
            outcome_of(
                lambda: consultant.call(
                    "support.contract", "read", restart_data["bags"], ["hours_used"]
                )
            )
            for _index in range(6)
        ]
    report = dict(run.report(SECONDS), restarts=restarter.rounds)
    report["install_s"] = restart_data["install_s"]
    print(f"\npg restart: {json.dumps(report)}")
    assert [kind for kind, _value in answers] == ["accepted"] * 6, answers
    assert [r["mode"] for r in restarter.rounds] == list(MODES), restarter.rounds
    for item in restarter.rounds:
        assert item["answers_again_s"] <= RECOVERY_BOUND, item
    assert run.logs["accepted"], "logs went through around the restarts"
    assert run.cancels["accepted"], "cancellations went through"

    dump = {
        "data": restart_data,
        "logs": {
            "accepted": run.logs["accepted"],
            "refused": run.logs["refused"],
            "unknown": sorted(run.logs["unknown"]),
        },
        "cancels": {k: run.cancels[k] for k in ("accepted", "refused", "unknown")},
    }
    dumped = cluster.root / "run.json"
    dumped.write_text(json.dumps(dump))
    answer = odoo_shell(cluster, f"IN = {str(dumped)!r}\n" + CHECK)
    print(f"pg restart: {json.dumps(answer)}")
    assert "failed" not in answer, answer["failed"] if "failed" in answer else ""
    assert answer["half_written"] == 0
