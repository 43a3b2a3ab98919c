# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A logged-in portal client of a real Odoo server, and requests sent at the
same moment: what the race tests (booking, portal forms) share."""

import http.cookiejar
import json
import threading
import urllib.parse
import urllib.request


class Client:
    """A logged-in portal client of the real server: cookies, forms."""

    def __init__(self, base, db, login):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        request = urllib.request.Request(
            base + "/web/session/authenticate",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "params": {"db": db, "login": login, "password": login},
                }
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        answer = json.loads(self.opener.open(request, timeout=120).read())
        assert "error" not in answer, answer

    def json(self, path, params):
        """The JSON-RPC answer of ``path``: a dict with its ``result``, or its
        ``error`` (an Odoo error is an answer, not an exception)."""
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps({"jsonrpc": "2.0", "params": params}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=300) as response:
            return json.loads(response.read())

    def get(self, path):
        with self.opener.open(self.base + path, timeout=300) as response:
            return response.geturl(), response.read().decode()

    def post(self, path, values):
        data = urllib.parse.urlencode(values).encode()
        with self.opener.open(self.base + path, data=data, timeout=300) as response:
            return response.geturl(), response.read().decode()


def at_once(*calls):
    """Run the calls in threads that start together; their results (or the
    exception each raised)."""
    barrier = threading.Barrier(len(calls), timeout=60)
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # reported by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results
