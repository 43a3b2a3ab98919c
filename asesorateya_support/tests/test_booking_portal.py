# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The booking page: from the email link (public visitor with the contract's
token) and from the contract's portal page; a client never reaches another
client's contract, bookings or the consultants' events (free time only); the
page makes the same queries with 10 and with 10,000 events."""

import logging
import re
from datetime import timedelta
from urllib.parse import urlparse

import pytz

from odoo import fields
from odoo.tests import tagged

from ..policy import epoch, from_epoch
from .common_booking import BookingFixtures
from .common_portal import SupportPortalCommon

_logger = logging.getLogger(__name__)

SLOT_RE = re.compile(r'name="slot"[^>]*\svalue="(\d+)"')
#: Queries of a hot booking page (a logged-in client), whatever the number of
#: events on the consultants' calendars (see test_queries_do_not_grow).
QUERIES_BOOKING_PAGE = 33


@tagged("post_install", "-at_install")
class TestSupportBookingPortal(BookingFixtures, SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_booking()
        cls.diagnosis = cls._sell(cls.plan_diagnosis, cls.contact_a)

    def _path(self, contract, suffix="", **query):
        url = urlparse(contract._get_booking_url())
        path = f"{url.path}{suffix}?{url.query}"
        return path + "".join(f"&{key}={value}" for key, value in query.items())

    def _slots_of(self, page):
        return [int(slot) for slot in SLOT_RE.findall(page)]

    # ------------------------------------------------------------------
    # From the email link
    # ------------------------------------------------------------------
    def test_email_link_books_reschedules_and_cancels(self):
        self.authenticate(None, None)
        page = self._get(self._path(self.diagnosis))
        self.assertEqual(page.status_code, 200)
        slots = self._slots_of(page.text)
        self.assertGreater(len(slots), 10)
        self.assertIn("America/Santiago", page.text)
        self.assertIn("o_support_booking_case", page.text, "send the case (§9)")
        response = self._post(self._path(self.diagnosis), {"slot": str(slots[0])})
        self.assertRedirect(
            response, f"{self.diagnosis.access_url}/booking", {"message": "booked"}
        )
        booking = self.diagnosis.booking_ids
        self.assertEqual(booking.start, from_epoch(slots[0]).replace(tzinfo=None))
        self.assertEqual(booking.contact_id, self.contact_a, "who bought")
        self.assertEqual(booking.channel, "portal")
        page = self._get(response.headers["Location"]).text
        self.assertIn("o_support_booking_item", page)
        self.assertNotIn(str(slots[0]), self._slots_of(page), "a single session")
        # Reschedule, then cancel.
        page = self._get(self._path(self.diagnosis, f"/{booking.id}/reschedule")).text
        new_slots = self._slots_of(page)
        self.assertIn(slots[0], new_slots, "its own time stays free to it")
        later = new_slots[-1]
        response = self._post(
            self._path(self.diagnosis, f"/{booking.id}/reschedule"),
            {"slot": str(later)},
        )
        self.assertRedirect(
            response, f"{self.diagnosis.access_url}/booking", {"message": "rescheduled"}
        )
        self.assertEqual(booking.start, from_epoch(later).replace(tzinfo=None))
        response = self._post(
            self._path(self.diagnosis, f"/{booking.id}/cancel"), {"reason": "Solved"}
        )
        self.assertRedirect(
            response, f"{self.diagnosis.access_url}/booking", {"message": "cancelled"}
        )
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.cancel_reason, "Solved")
        ics = self._get(self._path(self.diagnosis, f"/{booking.id}/ics"))
        self.assertEqual(ics.headers["Content-Type"], "text/calendar; charset=utf-8")
        self.assertIn(b"METHOD:CANCEL", ics.content)

    def test_wrong_token_or_another_clients_contract(self):
        bag_b_path = self._path(self.bag_b)
        wrong = bag_b_path.replace("access_token=", "access_token=x")
        self.authenticate(None, None)
        for path in (wrong, f"{self.bag_b.access_url}/booking"):
            response = self._get(path, allow_redirects=False)
            self.assertRedirect(response, "/my")
        self.authenticate("sup_portal_a", "sup_portal_a")
        response = self._get(f"{self.bag_b.access_url}/booking", allow_redirects=False)
        self.assertRedirect(response, "/my")
        # A booking of another contract, through this contract's routes.
        booking_b = self.bag_b.action_book(
            self._first_start(self.bag_b), self.contact_b
        )
        for suffix in (f"/{booking_b.id}/reschedule", f"/{booking_b.id}/ics"):
            response = self._get(self._path(self.bag_a, suffix), allow_redirects=False)
            self.assertRedirect(response, "/my")
        response = self._post(self._path(self.bag_a, f"/{booking_b.id}/cancel"), {})
        self.assertRedirect(response, "/my")
        self.assertEqual(booking_b.state, "booked")

    def _first_start(self, contract):
        earliest, latest = contract._get_booking_window()
        return min(contract._get_booking_slots(earliest, latest)).replace(tzinfo=None)

    # ------------------------------------------------------------------
    # From the contract's page
    # ------------------------------------------------------------------
    def test_contract_page_links_to_booking(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(self.bag_a.access_url).text
        self.assertIn("o_support_booking_button", page)
        self.assertIn(f"{self.bag_a.access_url}/booking?access_token=", page)
        self.assertNotIn("https://", page.split("o_support_booking_channel")[1][:300])
        # Not on a project, nor on a closed contract.
        self.bag_a.action_done()
        page = self._get(self.bag_a.access_url).text
        self.assertNotIn("o_support_booking_button", page)

    def test_client_sees_free_time_never_events(self):
        start = self._first_start(self.bag_a)
        self._event(
            self.user_consultant,
            start + timedelta(hours=2),
            start + timedelta(hours=3),
            name="Dentist appointment of the consultant",
        )
        self.bag_b.action_book(start, self.contact_b)
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(self._path(self.bag_a)).text
        slots = self._slots_of(page)
        self.assertTrue(slots)
        self.assertNotIn("Dentist", page)
        for text in (self.bag_b.name, self.client_b.name, self.contact_b.name):
            self.assertNotIn(text, page)
        starts = {from_epoch(slot).replace(tzinfo=None) for slot in slots}
        self.assertNotIn(start, starts, "another client's booking")
        self.assertNotIn(start + timedelta(hours=2), starts, "the consultant's event")

    def test_a_time_taken_meanwhile_shows_fresh_times(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        slots = self._slots_of(self._get(self._path(self.bag_a)).text)
        self.bag_b.action_book(
            from_epoch(slots[0]).replace(tzinfo=None), self.contact_b
        )
        response = self._post(self._path(self.bag_a), {"slot": str(slots[0])})
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_support_error", response.text)
        self.assertIn("not free (any more)", response.text)
        self.assertNotIn(slots[0], self._slots_of(response.text))
        self.assertIn(slots[-1], self._slots_of(response.text))
        self.assertFalse(self.bag_a.booking_ids)

    def test_within_the_notice_the_client_writes_to_us(self):
        # A consultant who works around the clock, bookable an hour ahead:
        # the first free time is well within the 24 hours' notice.
        calendar = self._create_work_calendar("Around the clock", [(0, 24)], range(7))
        self.resource_consultant_2.calendar_id = calendar
        self.plan_bag.booking_consultant_ids = self.user_consultant_2
        self.company.support_booking_lead_hours = 1
        start = self._first_start(self.bag_a)
        self.assertLess(start - fields.Datetime.now(), timedelta(hours=2))
        booking = self.bag_a.action_book(start, self.contact_a)
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(self._path(self.bag_a)).text
        self.assertIn("o_support_booking_item", page)
        self.assertNotIn("o_support_booking_reschedule", page)
        self.assertIn("to change it, write to us", page)
        response = self._post(self._path(self.bag_a, f"/{booking.id}/cancel"), {})
        self.assertEqual(response.status_code, 200)
        self.assertIn("up to 24 hours before", response.text)
        response = self._post(
            self._path(self.bag_a, f"/{booking.id}/reschedule"),
            {"slot": str(epoch(pytz.utc.localize(start)) + 7 * 86400)},
        )
        self.assertIn("up to 24 hours before", response.text)
        self.assertEqual(booking.state, "booked")
        self.assertEqual(booking.start, start)

    # ------------------------------------------------------------------
    # Performance
    # ------------------------------------------------------------------
    def _add_events(self, count, day):
        """``count`` events of 10 seconds, one every 17 seconds, of the
        consultant from ``day`` (a Saturday) on: the weekend, outside working
        hours. Inserted with SQL: the ORM would take minutes for 10,000
        events with their attendees, and only the rows matter to the page."""
        self.env.flush_all()
        partner = self.user_consultant.partner_id.id
        self.env.cr.execute(
            """
            WITH new AS (
                INSERT INTO calendar_event (name, start, stop, duration, user_id,
                    active, show_as, privacy, allday, res_model_id, create_date,
                    write_date)
                SELECT 'Busy ' || n, %(day)s::timestamp + n * interval '17 seconds',
                       %(day)s::timestamp + n * interval '17 seconds'
                           + interval '10 seconds',
                       10.0 / 3600, %(user)s, true, 'busy', 'private', false, NULL,
                       now(), now()
                  FROM generate_series(0, %(count)s - 1) n
             RETURNING id
            ), rel AS (
                INSERT INTO calendar_event_res_partner_rel (calendar_event_id,
                    res_partner_id)
                SELECT id, %(partner)s FROM new
            )
            INSERT INTO calendar_attendee (event_id, partner_id, state, common_name)
            SELECT id, %(partner)s, 'accepted', 'Consultant' FROM new
            """,
            {
                "day": day,
                "user": self.user_consultant.id,
                "count": count,
                "partner": partner,
            },
        )
        self.env.invalidate_all()

    def test_queries_do_not_grow_with_events(self):
        # The displayed week, and a weekend in it for the many events.
        earliest, _latest = self.bag_a._get_booking_window()
        first = earliest.date()
        weekend = first + timedelta(days=(5 - first.weekday()) % 7)
        path = self._path(self.bag_a, week=first.isoformat())
        start = self._first_start(self.bag_a)
        for minutes in range(0, 10 * 5, 5):  # 10 events, in working hours
            moment = start + timedelta(days=1, minutes=minutes)
            self._event(self.user_consultant, moment, moment + timedelta(minutes=3))
        self.authenticate("sup_portal_a", "sup_portal_a")
        counts = {}
        pages = {}
        for total in (10, 10000):
            if total > 10:
                self._add_events(total - 10, weekend)
            self.env.flush_all()
            for _warm_up in range(2):
                self.assertEqual(self.url_open(path).status_code, 200)
            with self.assertQueryCount(QUERIES_BOOKING_PAGE):
                before = self.cr.sql_log_count
                response = self.url_open(path)
                counts[total] = self.cr.sql_log_count - before
            pages[total] = self._slots_of(response.text)
        # Exactly as many (assertQueryCount lets fewer pass).
        self.assertEqual(counts[10], counts[10000])
        self.assertTrue(pages[10])
        self.assertEqual(pages[10], pages[10000], "weekend events take no slot")
        _logger.info("Booking page queries with 10 and 10,000 events: %s", counts)
