# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The client books, reschedules and cancels from the confirmation email's
link, in Spanish, in headless Chromium."""

from urllib.parse import urlparse

from odoo.tests import tagged

from .common_booking import BookingFixtures
from .common_portal import SupportPortalCommon


@tagged("post_install", "-at_install")
class TestSupportBookingTour(BookingFixtures, SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_booking()
        # Every free time at least two days ahead: the session can still be
        # moved and cancelled (24 hours' notice).
        cls.company.support_booking_lead_hours = 48
        spanish = cls.env["res.lang"]._activate_lang("es_CL")
        cls.env.ref("base.module_asesorateya_support")._update_translations(["es_CL"])
        # The client reads Spanish: its email link opens the page in
        # Spanish, whatever the browser's language (Chrome's is English).
        assert spanish.active
        cls.contact_a.lang = "es_CL"

    def test_booking_tour_from_the_email_link(self):
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a)
        link = urlparse(diagnosis._get_booking_url())
        url = f"{link.path}?{link.query}"
        # Loading the Spanish catalog (setUpClass) emptied the server's
        # template cache: the page's first request compiles the website's
        # and portal's templates in es_CL, 191 queries and about 5 s of
        # Python on a loaded 2-core machine (the slots take 30 ms). Done
        # here, not while Chrome waits: the test server drops a connection
        # Chrome keeps idle for 5 s (odoo/service/server.py, RequestHandler)
        # and logs "Request timed out" at ERROR. A GET only renders.
        self.assertEqual(self.url_open(url, timeout=60).status_code, 200)
        self.start_tour(url, "asesorateya_support_booking_tour")
        self.env.invalidate_all()
        booking = diagnosis.booking_ids
        self.assertEqual(len(booking), 1)
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.cancelled_by, "client")
        self.assertEqual(booking.cancel_reason, "Se resolvió el problema")
        self.assertEqual(booking.reschedule_count, 1)
        self.assertEqual(booking.contact_id, self.contact_a)
        subjects = diagnosis.message_ids.mapped("subject")
        for words in ("Sesión agendada", "Sesión movida", "cancelada"):
            self.assertTrue(any(words in (s or "") for s in subjects), subjects)
