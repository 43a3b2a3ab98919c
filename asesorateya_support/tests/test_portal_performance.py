# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The portal pages make as many queries with 1,000 logs as with 10."""

import logging

from odoo.tests import tagged

from .common_portal import SupportPortalCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestSupportPortalPerformance(SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_big = cls._create_plan(
            "Bag 1000 h", "hour_bag", 30000000, hours_included=1000.0
        )
        cls.big_bag = cls.env["support.contract"].create(
            {
                "partner_id": cls.client_a.id,
                "plan_id": cls.plan_big.id,
                "user_id": cls.user_consultant.id,
                "scope": "Scope",
                "state": "confirmed",
            }
        )
        cls._add_logs(10)

    @classmethod
    def _add_logs(cls, count):
        # One create call for all the logs, as in test_performance.
        cls.env["support.session"].with_user(cls.user_consultant).create(
            [
                {
                    "contract_id": cls.big_bag.id,
                    "duration": 0.25,
                    "objective": f"Task {index}",
                    "activity": "Done",
                    "next_steps": "Next",
                }
                for index in range(count)
            ]
        )

    def _count_url_queries(self, url):
        """Queries of one hot request to ``url`` (website's perf tests do so:
        the HTTP server works on this test's cursor)."""
        self.env.flush_all()
        for _warm_up in range(2):
            self.assertEqual(self.url_open(url).status_code, 200)
        before = self.cr.sql_log_count
        self.assertEqual(self.url_open(url).status_code, 200)
        return self.cr.sql_log_count - before

    def test_queries_independent_of_logs(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        urls = ("/my/support", self.big_bag.access_url)
        few = {url: self._count_url_queries(url) for url in urls}
        # The server's queries are counted (a page takes dozens of them).
        self.assertGreater(min(few.values()), 10, few)
        _logger.info("Portal queries with 10 logs: %s", few)
        self._add_logs(990)
        self.assertEqual(len(self.big_bag.session_ids), 1000)
        many = {url: self._count_url_queries(url) for url in urls}
        self.assertEqual(few, many)
