# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime, timedelta

import pytz

from odoo import Command
from odoo.tests.common import new_test_user

from .common import GROUP_CONSULTANT

SANTIAGO = "America/Santiago"


class BookingFixtures:
    """The booking fixtures, on top of :class:`~.common.SupportCommon`: the
    consultancy works in Santiago (UTC-3 in summer, UTC-4 in winter), its
    consultants Monday to Friday 9:00-13:00 and 14:00-18:00 there, and they
    take the bookings of every plan. The server (and the tests) run in UTC.
    """

    @classmethod
    def _setup_booking(cls):
        cls.company.partner_id.tz = SANTIAGO
        cls.company.write(
            {
                "support_booking_lead_hours": 12,
                "support_booking_horizon_days": 30,
                "support_booking_step_minutes": 30,
                "support_booking_reminder_hours": 48,
            }
        )
        cls.work_calendar = cls._create_work_calendar(
            "Consultancy hours", [(9, 13), (14, 18)], range(5)
        )
        cls.user_consultant.tz = SANTIAGO
        cls.user_consultant_2 = new_test_user(
            cls.env,
            login="sup_consultant_2",
            name="Second Consultant",
            groups=GROUP_CONSULTANT,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            tz=SANTIAGO,
        )
        cls.employee_consultant_2 = cls._create_employees(
            cls.user_consultant_2, cls.company
        )
        cls.resource_consultant = cls._create_resource(cls.user_consultant)
        cls.resource_consultant_2 = cls._create_resource(cls.user_consultant_2)
        for partner in (cls.client_a, cls.contact_a, cls.contact_a2, cls.client_b):
            partner.tz = SANTIAGO
        cls.contact_b.tz = SANTIAGO
        (
            cls.plan_diagnosis | cls.plan_incident | cls.plan_bag | cls.plan_monthly
        ).booking_consultant_ids = cls.user_consultant

    @classmethod
    def _create_work_calendar(cls, name, hours, days, tz=SANTIAGO):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "company_id": cls.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day} {start}-{stop}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": "morning" if start < 12 else "afternoon",
                        }
                    )
                    for day in days
                    for start, stop in hours
                ],
            }
        )

    @classmethod
    def _create_resource(cls, user, calendar=None, tz=SANTIAGO):
        """The consultant's working hours: their employee's resource (a
        consultant is an employee, see ``SupportCommon``), else their own."""
        employee = cls.env["hr.employee"].search(
            [("user_id", "=", user.id), ("company_id", "=", cls.company.id)]
        )
        if employee:
            employee.resource_id.write(
                {"calendar_id": (calendar or cls.work_calendar).id, "tz": tz}
            )
            return employee.resource_id
        return cls.env["resource.resource"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "resource_type": "user",
                "company_id": cls.company.id,
                "calendar_id": (calendar or cls.work_calendar).id,
                "tz": tz,
            }
        )

    @staticmethod
    def _utc(day, hour, minute=0, tz=SANTIAGO):
        """The naive UTC moment of ``day`` (ISO text) at ``hour:minute`` in ``tz``."""
        local = pytz.timezone(tz).localize(
            datetime.fromisoformat(day) + timedelta(hours=hour, minutes=minute)
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @staticmethod
    def _local(moment, tz=SANTIAGO):
        """An aware or naive UTC moment, on the wall clock of ``tz``."""
        if moment.tzinfo is None:
            moment = pytz.utc.localize(moment)
        return moment.astimezone(pytz.timezone(tz))

    def _slots(self, contract, day_from, day_to, tz=SANTIAGO, booking=None):
        """The free starts of ``contract`` between two local days (aware UTC)."""
        zone = pytz.timezone(tz)
        start = zone.localize(datetime.fromisoformat(day_from))
        stop = zone.localize(datetime.fromisoformat(day_to))
        return sorted(contract._get_booking_slots(start, stop, booking=booking))

    def _event(self, user, start, stop, **values):
        """A calendar event of ``user`` (organizer and attendee)."""
        return (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                dict(
                    {
                        "name": "Dentist (private)",
                        "start": start,
                        "stop": stop,
                        "user_id": user.id,
                        "partner_ids": [Command.set(user.partner_id.ids)],
                        "privacy": "private",
                    },
                    **values,
                )
            )
        )
