# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from urllib.parse import parse_qs, urlparse

from odoo import http
from odoo.tests import HttpCase

from .common import SupportCommon


class SupportPortalCommon(HttpCase, SupportCommon):
    """The support fixtures, served by the test HTTP server.

    Client A (two portal users, Ana and Alberto) has an hour bag with a log
    and a monthly retainer whose first cycle is open; client B (Berta) has an
    hour bag with a log. The consultant follows all of them.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bag_a = cls._sell(cls.plan_bag, cls.contact_a)
        cls.monthly_a = cls._sell(cls.plan_monthly, cls.contact_a)
        cls.bag_b = cls._sell(cls.plan_bag, cls.contact_b)
        (cls.bag_a | cls.monthly_a | cls.bag_b).user_id = cls.user_consultant
        cls.log_a = cls._log(
            cls.bag_a,
            1.5,
            objective="Objective of client A",
            activity="Activity of client A",
            next_steps="Next steps of client A",
            progress_note="Progress of client A",
        )
        cls.monthly_a.action_start()
        cls.log_b = cls._log(cls.bag_b, 2.0, objective="Secret objective of client B")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _get(self, url, **kwargs):
        """GET ``url`` after flushing what the test wrote (the server
        reads the database, not this transaction's cache)."""
        self.env.flush_all()
        response = self.url_open(url, **kwargs)
        self.env.invalidate_all()
        return response

    def _post(self, url, data=None, files=None):
        """POST a form with the session's CSRF token; no redirect followed."""
        self.env.flush_all()
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        response = self.url_open(url, data=data, files=files, allow_redirects=False)
        self.env.invalidate_all()
        return response

    def assertRedirect(self, response, path, query=None):
        """The response redirects to ``path`` (and these query values)."""
        self.assertIn(response.status_code, (301, 302, 303), response.text[:500])
        location = urlparse(response.headers["Location"])
        self.assertEqual(location.path, path)
        if query:
            values = {key: value[0] for key, value in parse_qs(location.query).items()}
            self.assertEqual({key: values.get(key) for key in query}, query)

    def assertLoginRedirect(self, response):
        """A public visitor is sent to the login page."""
        self.assertEqual(response.status_code, 200)
        self.assertEqual(urlparse(response.url).path, "/web/login")

    def _consultant_todos(self, record):
        """To-dos of the consultant on ``record``."""
        return record.activity_ids.filtered(
            lambda activity: activity.user_id == self.user_consultant
        )
