# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Free times: working hours in the consultant's time zone, minus time off,
public holidays, calendar events and other bookings; across Chile's
daylight-saving changes (first Sunday of April, first Sunday of September)
on a server in UTC, no slot moves by an hour, doubles or vanishes."""

from datetime import datetime, timedelta, timezone

import pytz
from freezegun import freeze_time

from odoo import Command
from odoo.tests import BaseCase, tagged

from ..policy import epoch, free_slots, from_epoch, group_by_day, merge, subtract
from .common import SupportCommon
from .common_booking import SANTIAGO, BookingFixtures

#: The local starts of a working day of the fixtures (9-13 and 14-18, 1 h).
WORKING_DAY = [
    "09:00",
    "09:30",
    "10:00",
    "10:30",
    "11:00",
    "11:30",
    "12:00",
    "14:00",
    "14:30",
    "15:00",
    "15:30",
    "16:00",
    "16:30",
    "17:00",
]


@tagged("post_install", "-at_install")
class TestSupportBookingSlots(BookingFixtures, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_booking()
        with freeze_time("2026-02-02 12:00:00"):
            cls.bag = cls._sell(cls.plan_bag, cls.contact_a)
            cls.bag_b = cls._sell(cls.plan_bag, cls.contact_b)

    def _by_local_day(self, slots, tz=SANTIAGO):
        days = {}
        for start in slots:
            local = self._local(start, tz)
            days.setdefault(local.date().isoformat(), []).append(local)
        return days

    # ------------------------------------------------------------------
    # Working hours and time zones
    # ------------------------------------------------------------------
    @freeze_time("2026-03-02 12:00:00")
    def test_working_hours_where_the_consultant_works(self):
        slots = self._slots(self.bag, "2026-03-03", "2026-03-04")
        self.assertEqual([self._local(s).strftime("%H:%M") for s in slots], WORKING_DAY)
        # 09:00 in Santiago's summer is 12:00 UTC.
        self.assertEqual(slots[0], datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc))
        # Saturday and Sunday: none.
        self.assertFalse(self._slots(self.bag, "2026-03-07", "2026-03-09"))

    def _check_change_of_time(self, before, after, offsets):
        """The working days around a change of UTC offset keep their wall
        clock: same local starts, the UTC ones shifted by the hour."""
        slots = self._slots(self.bag, before, after)
        self.assertEqual(len(slots), len(set(slots)), "no start twice")
        days = self._by_local_day(slots)
        weekdays = [
            day
            for day in days
            if datetime.fromisoformat(day).weekday() < 5
            and day > self._local(slots[0]).date().isoformat()
        ]
        self.assertGreaterEqual(len(weekdays), 8)
        for day in weekdays:
            self.assertEqual([s.strftime("%H:%M") for s in days[day]], WORKING_DAY, day)
        seen = {day: {s.utcoffset() for s in days[day]} for day in weekdays}
        self.assertEqual(
            {offset for offsets_of_day in seen.values() for offset in offsets_of_day},
            set(offsets),
        )
        self.assertTrue(
            all(len(offsets_of_day) == 1 for offsets_of_day in seen.values())
        )
        return days

    @freeze_time("2026-03-30 12:00:00")
    def test_april_end_of_daylight_saving(self):
        days = self._check_change_of_time(
            "2026-03-30", "2026-04-11", [timedelta(hours=-3), timedelta(hours=-4)]
        )
        # 09:00 is 12:00 UTC on Friday, 13:00 UTC on Monday.
        self.assertEqual(days["2026-04-03"][0].astimezone(pytz.utc).hour, 12)
        self.assertEqual(days["2026-04-06"][0].astimezone(pytz.utc).hour, 13)

    @freeze_time("2026-08-31 12:00:00")
    def test_september_start_of_daylight_saving(self):
        days = self._check_change_of_time(
            "2026-08-31", "2026-09-12", [timedelta(hours=-4), timedelta(hours=-3)]
        )
        self.assertEqual(days["2026-09-04"][0].astimezone(pytz.utc).hour, 13)
        self.assertEqual(days["2026-09-07"][0].astimezone(pytz.utc).hour, 12)

    def _around_the_clock(self):
        calendar = self._create_work_calendar("Around the clock", [(0, 24)], range(7))
        self.resource_consultant_2.calendar_id = calendar
        self.plan_bag.booking_consultant_ids = self.user_consultant_2

    def _check_every_half_hour(self, slots):
        gaps = {
            later - earlier
            for earlier, later in zip(slots[:-1], slots[1:], strict=True)
        }
        self.assertEqual(gaps, {timedelta(minutes=30)}, "none twice, none missing")

    @freeze_time("2026-04-02 12:00:00")
    def test_april_night_the_hour_happens_twice(self):
        self._around_the_clock()
        slots = self._slots(self.bag, "2026-04-04", "2026-04-06")
        self._check_every_half_hour(slots)
        # Saturday lasts 25 hours: 50 starts; each 23:00 and 23:30 twice on
        # the wall clock, told apart by the offset.
        days = dict(group_by_day(slots, pytz.timezone(SANTIAGO)))
        saturday = [
            label for _start, _local, label in days[datetime(2026, 4, 4).date()]
        ]
        self.assertEqual(len(saturday), 50)
        self.assertIn("23:00 (UTC-03:00)", saturday)
        self.assertIn("23:00 (UTC-04:00)", saturday)
        self.assertEqual(len(saturday), len(set(saturday)))

    @freeze_time("2026-09-03 12:00:00")
    def test_september_night_the_hour_is_skipped(self):
        self._around_the_clock()
        slots = self._slots(self.bag, "2026-09-05", "2026-09-07")
        self._check_every_half_hour(slots)
        days = dict(group_by_day(slots, pytz.timezone(SANTIAGO)))
        sunday = [label for _start, _local, label in days[datetime(2026, 9, 6).date()]]
        # 23 hours; 00:00 to 01:00 does not exist that night.
        self.assertEqual(len(sunday), 46)
        self.assertEqual(sunday[0], "01:00", "one offset all day: no suffix")

    @freeze_time("2026-03-02 12:00:00")
    def test_session_ending_at_midnight_is_booked_alone(self):
        """Odoo ends a working day at 23:59:59.999999: the 23:00 session of a
        calendar around the clock, offered on the page, is free too when
        that one time is checked (the booking), not only within the week."""
        self._around_the_clock()
        self.bag.user_id = self.user_consultant_2
        late = pytz.utc.localize(self._utc("2026-03-04", 23))
        self.assertIn(late, self._slots(self.bag, "2026-03-04", "2026-03-06"))
        self.assertEqual(
            self.bag._get_booking_slots(late, late), {late: [self.user_consultant_2.id]}
        )
        self.assertEqual(
            self.bag._pick_booking_consultant(late.replace(tzinfo=None)),
            self.user_consultant_2,
        )

    @freeze_time("2026-03-02 12:00:00")
    def test_client_in_another_time_zone(self):
        slots = self._slots(self.bag, "2026-03-03", "2026-03-04")
        easter = dict(group_by_day(slots, pytz.timezone("Pacific/Easter")))
        [(day, labelled)] = easter.items()
        self.assertEqual(day.isoformat(), "2026-03-03")
        # Easter Island is two hours behind the continent.
        self.assertEqual(labelled[0][2], "07:00")
        self.assertEqual([start for start, _local, _label in labelled], slots)

    # ------------------------------------------------------------------
    # What takes time away
    # ------------------------------------------------------------------
    @freeze_time("2026-03-02 12:00:00")
    def test_busy_time(self):
        consultant, other = self.user_consultant, self.user_consultant_2
        # Tuesday: a private event 10:00-11:00, and events that do not count.
        self._event(
            consultant, self._utc("2026-03-03", 10), self._utc("2026-03-03", 11)
        )
        self._event(other, self._utc("2026-03-03", 14), self._utc("2026-03-03", 15))
        self._event(
            consultant,
            self._utc("2026-03-03", 15),
            self._utc("2026-03-03", 16),
            show_as="free",
        )
        declined = self._event(
            other,
            self._utc("2026-03-03", 16),
            self._utc("2026-03-03", 17),
            partner_ids=[Command.set((consultant | other).partner_id.ids)],
        )
        declined.attendee_ids.filtered(
            lambda a: a.partner_id == consultant.partner_id
        ).state = "declined"
        # Wednesday: a whole-day event; Thursday afternoon: time off;
        # Friday: a public holiday.
        self.env["calendar.event"].with_context(no_mail_to_attendees=True).create(
            {
                "name": "Offsite",
                "allday": True,
                "start_date": "2026-03-04",
                "stop_date": "2026-03-04",
                "user_id": consultant.id,
                "partner_ids": [Command.set(consultant.partner_id.ids)],
            }
        )
        Leave = self.env["resource.calendar.leaves"]
        Leave.create(
            {
                "name": "Doctor",
                "resource_id": self.resource_consultant.id,
                "calendar_id": self.work_calendar.id,
                "date_from": self._utc("2026-03-05", 14),
                "date_to": self._utc("2026-03-05", 18),
                "company_id": self.company.id,
            }
        )
        Leave.create(
            {
                "name": "Public holiday",
                "calendar_id": self.work_calendar.id,
                "date_from": self._utc("2026-03-06", 0),
                "date_to": self._utc("2026-03-07", 0),
                "company_id": self.company.id,
            }
        )
        # Another client's booking on Monday 9:00.
        self.bag_b.action_book(self._utc("2026-03-09", 9), self.contact_b)
        days = {
            day: [s.strftime("%H:%M") for s in starts]
            for day, starts in self._by_local_day(
                self._slots(self.bag, "2026-03-03", "2026-03-10")
            ).items()
        }
        tuesday = [t for t in WORKING_DAY if t not in ("09:30", "10:00", "10:30")]
        self.assertEqual(days["2026-03-03"], tuesday)
        self.assertNotIn("2026-03-04", days)
        self.assertEqual(days["2026-03-05"], WORKING_DAY[:7])
        self.assertNotIn("2026-03-06", days)
        self.assertEqual(days["2026-03-09"], WORKING_DAY[2:])
        # A cancelled booking gives its time back.
        self.bag_b.booking_ids.action_portal_cancel()
        monday = self._by_local_day(self._slots(self.bag, "2026-03-09", "2026-03-10"))
        self.assertEqual(len(monday["2026-03-09"]), len(WORKING_DAY))

    @freeze_time("2026-03-02 12:00:00")
    def test_several_consultants(self):
        self.plan_bag.booking_consultant_ids = (
            self.user_consultant | self.user_consultant_2
        )
        self.bag.user_id = self.user_consultant_2
        self._event(
            self.user_consultant_2,
            self._utc("2026-03-03", 10),
            self._utc("2026-03-03", 11),
        )
        slots = self.bag._get_booking_slots(
            pytz.utc.localize(self._utc("2026-03-03", 9)),
            pytz.utc.localize(self._utc("2026-03-03", 12)),
        )
        ten = pytz.utc.localize(self._utc("2026-03-03", 10))
        self.assertEqual(slots[ten], [self.user_consultant.id])
        self.assertEqual(
            sorted(slots[pytz.utc.localize(self._utc("2026-03-03", 9))]),
            sorted((self.user_consultant | self.user_consultant_2).ids),
        )
        # The contract's own consultant when free, else whoever is.
        nine = self.bag.action_book(self._utc("2026-03-03", 9), self.contact_a)
        self.assertEqual(nine.consultant_id, self.user_consultant_2)
        other = self._sell(self.plan_bag, self.contact_a)
        other.user_id = self.user_consultant_2
        self.assertEqual(
            other.action_book(
                self._utc("2026-03-03", 10), self.contact_a
            ).consultant_id,
            self.user_consultant,
        )

    @freeze_time("2026-03-02 12:00:00")
    def test_consultant_without_working_hours(self):
        self.resource_consultant.calendar_id = False
        self.company.resource_calendar_id = False
        self.assertFalse(self._slots(self.bag, "2026-03-03", "2026-03-10"))


@tagged("post_install", "-at_install")
class TestSlotRules(BaseCase):
    """The pure rules of ``policy/slots.py``: no database."""

    def _t(self, hour, minute=0, day=3):
        return datetime(2026, 3, day, hour, minute, tzinfo=timezone.utc)

    def test_merge_and_subtract(self):
        self.assertEqual(
            merge(
                [
                    (self._t(10), self._t(11)),
                    (self._t(9), self._t(10)),
                    (self._t(12), self._t(12)),
                ]
            ),
            [(self._t(9), self._t(11))],
        )
        self.assertEqual(
            subtract(
                [(self._t(9), self._t(13))],
                [(self._t(10), self._t(10, 30)), (self._t(12), self._t(14))],
            ),
            [(self._t(9), self._t(10)), (self._t(10, 30), self._t(12))],
        )

    def test_free_slots_fit_and_align(self):
        starts = free_slots(
            [(self._t(9, 10), self._t(11))],
            [],
            timedelta(hours=1),
            30,
            self._t(0),
            self._t(23),
            pytz.utc,
        )
        self.assertEqual(starts, [self._t(9, 30), self._t(10)])
        with self.assertRaises(ValueError):
            free_slots([], [], timedelta(0), 30, self._t(0), self._t(1), pytz.utc)

    def test_slot_ids(self):
        start = self._t(13)
        self.assertEqual(from_epoch(epoch(start)), start)
        self.assertEqual(epoch(start), 1772542800)
