# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A second, real Odoo server on the test database, for the tests that need one.

pytest-odoo runs the tests inside Odoo; the load test and the mail whole flow
also need an Odoo server of their own (several workers, its own SMTP
settings) serving the same database on loopback.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import odoo


def free_port():
    """A TCP port nobody listens on, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_bin():
    """The path of the odoo-bin this run uses, found as scripts/lib.sh finds
    it: ``ODOO_BIN``, a file or a command name on the PATH (the Docker image's
    ``odoo``), else ``$ODOO_HOME/odoo-bin``. It is run with this Python, so a
    bare command name would not do: Python would look for it in the current
    folder."""
    home = os.environ.get("ODOO_HOME", "/opt/odoo17")
    name = os.environ.get("ODOO_BIN", os.path.join(home, "odoo-bin"))
    path = name if os.path.isfile(name) else shutil.which(name)
    if not path:
        pytest.fail(f"odoo-bin not found: ODOO_BIN={name!r} is no file nor command")
    return path


def odoo_command(db, *options, command=None):
    """The odoo-bin command line of this test run's configuration, on ``db``.

    :param options: more odoo-bin options
    :param command: an odoo-bin subcommand, e.g. ``"shell"`` (default: serve)
    """
    config = odoo.tools.config
    return [
        sys.executable,
        odoo_bin(),
        *([command] if command else []),
        "--addons-path="
        + ",".join(p for p in config["addons_path"].split(",") if os.path.isdir(p)),
        *(
            f"--{flag}={config[key]}"
            for key, flag in (
                ("db_host", "db_host"),
                ("db_port", "db_port"),
                ("db_user", "db_user"),
                ("data_dir", "data-dir"),
            )
            if config.get(key)
        ),
        "-d",
        db,
        *options,
    ]


def memory_of(pid):
    """Resident memory (RSS) of the Odoo server ``pid`` and of its child
    processes (its HTTP workers, and the gevent process of a multi-worker
    server), read in ``/proc`` (Linux).

    :return: dict pid -> ``(role, MiB)``; role ``"server"`` for ``pid``,
        ``"gevent"`` for its gevent process, ``"worker"`` for the others
    """

    def rss(proc):
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:  # the process ended meanwhile
            return None
        return None

    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (name) state ppid ...": the name may hold spaces.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))

    def role(child):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return "worker"
        # Odoo starts it as "odoo-bin gevent ..."; the workers are forks of
        # the server, whose command line has --gevent-port only.
        return "gevent" if b"gevent" in command.split(b"\0") else "worker"

    found = {pid: ("server", rss(pid))}
    found.update({child: (role(child), rss(child)) for child in children})
    return {proc: value for proc, value in found.items() if value[1] is not None}


@contextlib.contextmanager
def odoo_server(db, log, *options, info=None):
    """Serve ``db`` on a free loopback port while the block runs.

    :param log: path of the server's log file
    :param options: more odoo-bin options, e.g. ``"--workers=2"``
    :param dict info: if given, gets the server process's ``pid``
    :return: the server's base URL, once it answers
    """
    port = free_port()
    cmd = odoo_command(
        db,
        f"--db-filter=^{db}$",
        "--max-cron-threads=0",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        f"--logfile={log}",
        "--log-level=warn",
        *options,
    )
    proc = subprocess.Popen(cmd)
    if info is not None:
        info["pid"] = proc.pid
    base = f"http://127.0.0.1:{port}"
    try:
        for _index in range(240):
            if proc.poll() is not None:
                text = log.read_text()[-2000:] if log.exists() else "(no log)"
                pytest.fail(f"the Odoo server stopped: {text}")
            try:
                urllib.request.urlopen(base + "/web/login", timeout=60)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the Odoo server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@contextlib.contextmanager
def race_server(data, log):
    """``data`` (it names its ``db``) served by a 2-worker server logging to
    ``log``, for the race tests; ``data`` gets the server's ``base`` URL and
    its ``log``. Odoo's retries of a transaction (serialization failure,
    deadlock) are logged at INFO: the tests read them to tell what refused
    the loser, and count them."""
    with odoo_server(
        data["db"], log, "--workers=2", "--log-handler=odoo.service.model:INFO"
    ) as base:
        data["base"] = base
        data["log"] = log
        yield data
