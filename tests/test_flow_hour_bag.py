# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whole flow: a diagnosis, then an hour bag sold on its validated scope, used up.

Runs on the installed database through pytest-odoo, with the users a
consultancy really has: a salesman confirms the orders, a consultant logs the
sessions, the client's people read them, another client sees nothing.
"""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests.common import SupportCommon


@tagged("post_install", "-at_install")
class TestFlowHourBag(SupportCommon):
    def test_diagnosis_then_bag_to_exhaustion(self):
        # 1. The client buys a diagnosis; its single one-hour session is held.
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a, date="2026-03-02")
        self.assertEqual(diagnosis.amount_paid, 60000)
        with freeze_time("2026-03-04"):
            self._log(diagnosis, 0.75, date="2026-03-04", modality="videoconference")
        self.assertEqual(diagnosis.state, "done")
        self.assertEqual(diagnosis.hours_used, 1.0, "the whole session is consumed")

        # 2. The proposal after the diagnosis: an hour bag with the validated scope.
        with self.assertRaises(ValidationError):
            self._sell(self.plan_bag, self.contact_a, scope=False, date="2026-03-05")
        bag = self._sell(
            self.plan_bag,
            self.contact_a,
            scope="Rebuild the invoice layout and the stock valuation report",
            date="2026-03-05",
        )
        self.assertEqual(
            (bag.state, bag.partner_id, bag.amount_paid, bag.hours_remaining),
            ("confirmed", self.client_a, 400000, 10.0),
        )
        self.assertFalse(
            bag.date_start, "nothing used yet: the service has not started"
        )

        # 3. Sessions, day after day: each one leaves used and remaining hours.
        for day, hours in (
            ("2026-03-09", 2.5),
            ("2026-03-10", 3.0),
            ("2026-03-12", 2.5),
        ):
            with freeze_time(day):
                self._log(bag, hours, date=day, next_steps="Validate with the client")
        self.assertEqual(bag.date_start.isoformat(), "2026-03-09")
        self.assertEqual((bag.hours_used, bag.hours_remaining), (8.0, 2.0))
        self.assertTrue(bag.is_low_balance, "2 h left of 10 is a low balance")
        self.assertEqual(bag.state, "active")

        # 4. The work needs more than what is left: refused until the client is told.
        with freeze_time("2026-03-13"):
            with self.assertRaises(ValidationError):
                self._log(bag, 3.0, date="2026-03-13")
            self.assertEqual(bag.hours_used, 8.0, "a refused log consumes nothing")
            over = self._log(
                bag,
                3.0,
                date="2026-03-13",
                client_informed=True,
                client_informed_note="Agreed by email on 2026-03-12",
            )
        self.assertTrue(over.exceeds_balance)
        self.assertEqual(
            (bag.state, bag.hours_remaining, bag.hours_excess), ("exhausted", 0.0, 1.0)
        )
        with freeze_time("2026-03-14"), self.assertRaises(UserError):
            self._log(bag, 1.0, date="2026-03-14")

        # 5. A wrong time is corrected by a new log; nothing is deleted.
        with freeze_time("2026-03-16"):
            correction = over.with_user(self.user_consultant).action_correct(
                2.0, "The report took 2 h, not 3 h"
            )
        self.assertEqual(correction.duration, -1.0)
        self.assertEqual((bag.hours_used, bag.hours_remaining), (10.0, 0.0))
        with self.assertRaises(UserError):
            over.with_user(self.user_manager).unlink()
        self.assertEqual(len(bag.session_ids), 5)
        self.assertEqual(sum(bag.session_ids.mapped("duration")), bag.hours_used)

        # 6. Everyone at the client reads the log; another client sees nothing.
        for portal_user in (self.user_portal_a, self.user_portal_a2):
            sessions = (
                self.env["support.session"]
                .with_user(portal_user)
                .search([("contract_id", "=", bag.id)])
            )
            self.assertEqual(len(sessions), 5)
            self.assertTrue(all(s.objective and s.activity for s in sessions))
        self.assertFalse(
            self.env["support.session"]
            .with_user(self.user_portal_b)
            .search([("partner_id", "=", self.client_a.id)])
        )
        with self.assertRaises(AccessError):
            bag.with_user(self.user_portal_b).read(["hours_remaining"])
