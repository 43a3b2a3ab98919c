# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The portal pages make no more queries than Odoo's /my/orders, with 10 or
1,000 logs alike."""

import logging

from odoo.tests import tagged

from .common_portal import SupportPortalCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestSupportPortalPerformance(SupportPortalCommon):
    """Client A has three contracts, each sold on its own confirmed order:
    /my/support lists three contracts as /my/orders lists three orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_big = cls._create_plan(
            "Bag 1000 h", "hour_bag", 30000000, hours_included=1000.0
        )
        cls.big_bag = cls._sell(cls.plan_big, cls.contact_a)
        cls.big_bag.user_id = cls.user_consultant
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

    def _count_url_queries(self, url, shows=()):
        """Queries of one hot request to ``url`` (website's perf tests do so:
        the HTTP server works on this test's cursor).

        :param shows: texts the page must show (a page that lists nothing
            makes few queries)
        """
        self.env.flush_all()
        for _warm_up in range(2):
            self.assertEqual(self.url_open(url).status_code, 200)
        before = self.cr.sql_log_count
        response = self.url_open(url)
        count = self.cr.sql_log_count - before
        self.assertEqual(response.status_code, 200)
        for text in shows:
            self.assertIn(text, response.text, url)
        return count

    def test_queries_as_few_as_my_orders(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        orders = self.env["sale.order"].search(
            [("partner_id", "child_of", self.client_a.ids), ("state", "=", "sale")]
        )
        contracts = self.bag_a | self.monthly_a | self.big_bag
        # Comparable pages: as many orders as contracts, one per contract.
        self.assertEqual(orders, contracts.sale_order_id)
        pages = {
            "/my/orders": orders.mapped("name"),
            "/my/support": contracts.mapped("name"),
            self.big_bag.access_url: ["Task 9", "(10)"],
        }
        few = {url: self._count_url_queries(url, shows) for url, shows in pages.items()}
        # The server's queries are counted (a page takes a dozen or more).
        self.assertGreater(min(few.values()), 10, few)
        _logger.info("Portal queries with 10 logs: %s", few)
        anchor = few.pop("/my/orders")
        for url, count in few.items():
            self.assertLessEqual(
                count, anchor, f"{url} makes more queries than /my/orders"
            )
        self._add_logs(990)
        self.assertEqual(len(self.big_bag.session_ids), 1000)
        pages[self.big_bag.access_url] = ["Task 989", "(1000)"]
        many = {url: self._count_url_queries(url, pages[url]) for url in few}
        _logger.info("Portal queries with 1,000 logs: %s", many)
        self.assertEqual(few, many)
