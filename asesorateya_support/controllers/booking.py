# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The booking page of a contract (/my/support/<id>/booking).

The client opens it from the confirmation email (the contract's access
token) or from the contract's portal page (logged in). It shows the free
times of the plan's consultants for a week, in the client's time zone, and
the sessions already booked; one click books, reschedules or cancels. What
is free and what the contract still gives is decided by the models
(``support.contract._get_booking_slots``, ``_get_booking_refusal``,
``action_book``; ``support.booking.action_portal_reschedule``,
``action_portal_cancel``); the routes check access, read the form and render.
"""

import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

import pytz

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import consteq

from ..formatting import format_long_day
from ..models.support_booking import SlotTakenError
from ..policy import epoch, from_epoch, group_by_day
from .portal import SupportCustomerPortal

#: A slot id: the start's seconds since 1970 (UTC), at most 12 digits.
SLOT_RE = re.compile(r"^\d{1,12}$")
#: A week asked for: the day it contains.
WEEK_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Messages after a redirect (the page's query string).
MESSAGES = ("booked", "rescheduled", "cancelled")


class SupportBookingPortal(SupportCustomerPortal):
    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def _booking_check(self, contract_id, access_token=None):
        """The contract (sudo, as the visitor) and who books, if the visitor
        acts for the client: a login of the client's company, or the
        contract's access token (the email link).

        :return: ``(contract_sudo, contact)``
        :raise AccessError: otherwise; :raise MissingError: no such contract
        """
        contract_sudo = self._support_check_contract(contract_id, access_token)
        user = request.env.user
        is_client = contract_sudo._is_portal_client(user)
        token = contract_sudo.access_token
        if not is_client and not (
            access_token and token and consteq(token, str(access_token))
        ):
            raise AccessError(_("Only the client can book its sessions."))
        contract_sudo = request.env["support.contract"].sudo().browse(contract_sudo.id)
        contact = user.partner_id if is_client else contract_sudo._get_client_contact()
        return contract_sudo, contact

    @staticmethod
    def _booking_of(contract_sudo, booking_id):
        """A booking of this contract, or nothing (another contract's)."""
        return contract_sudo.booking_ids.filtered(lambda b: b.id == booking_id)

    @staticmethod
    def _booking_query(access_token=None, **values):
        args = {"access_token": access_token} if access_token else {}
        args.update({key: value for key, value in values.items() if value})
        return urlencode(args)

    def _booking_url(self, contract_sudo, suffix="", access_token=None, **values):
        if values.get("tz") not in pytz.all_timezones_set:
            values.pop("tz", None)
        query = self._booking_query(access_token, **values)
        url = f"{contract_sudo.access_url}/booking{suffix}"
        return f"{url}?{query}" if query else url

    # ------------------------------------------------------------------
    # Values of the page
    # ------------------------------------------------------------------
    @staticmethod
    def _booking_parse_slot(slot):
        """The start a slot id stands for (naive UTC).

        :raise UserError: on anything but a slot id
        """
        if not isinstance(slot, str) or not SLOT_RE.match(slot):
            raise UserError(_("Choose one of the free times shown."))
        return from_epoch(int(slot)).replace(tzinfo=None)

    def _booking_page_values(
        self, contract_sudo, contact, access_token=None, week=None, tz=None, **kw
    ):
        errors = []
        tz_name = contract_sudo._get_booking_tz(contact)
        if tz:
            if tz in pytz.all_timezones_set:
                tz_name = tz
            else:
                errors.append(
                    _("Unknown time zone: times are shown in %(tz)s.", tz=tz_name)
                )
                tz = None
        zone = pytz.timezone(tz_name)
        earliest, latest = contract_sudo._get_booking_window()
        first = earliest.astimezone(zone).date()
        last = latest.astimezone(zone).date()
        # Seven days from the first one a session can be booked on, or from
        # the day asked (the pages before and after).
        monday = first
        if week:
            try:
                if not WEEK_RE.match(str(week)):
                    raise ValueError(week)
                asked = date.fromisoformat(str(week))
            except ValueError:
                errors.append(_("Write the week as a date (YYYY-MM-DD)."))
            else:
                monday = min(max(asked, first), max(last - timedelta(days=6), first))
        days = [monday + timedelta(days=index) for index in range(7)]
        week_start = zone.localize(datetime.combine(days[0], time.min))
        week_end = zone.localize(
            datetime.combine(days[-1] + timedelta(days=1), time.min)
        )
        moving = None
        if kw.get("booking_id"):
            moving = self._booking_of(contract_sudo, kw["booking_id"])
        refusal = None if moving else contract_sudo._get_booking_refusal()
        slots = {}
        if contract_sudo._booking_enabled() and not refusal:
            slots = contract_sudo._get_booking_slots(
                week_start, week_end - timedelta(seconds=1), booking=moving
            )
        by_day = dict(group_by_day(slots, zone))
        lang = request.env.lang or "en_US"
        now = fields.Datetime.now()
        bookings = contract_sudo.booking_ids.sorted("start")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_booking",
                "contract": contract_sudo,
                "contact": contact,
                "access_token": access_token,
                "tz_name": tz_name,
                "tz_choices": self._booking_tz_choices(contract_sudo, tz_name),
                "days": [
                    {
                        "date": day,
                        "label": format_long_day(day, lang),
                        "slots": [
                            {"id": epoch(start), "label": label}
                            for start, _local, label in by_day.get(day, [])
                        ],
                    }
                    for day in days
                ],
                "slot_count": len(slots),
                "week": monday.isoformat(),
                "prev_week": max(monday - timedelta(days=7), first).isoformat()
                if monday > first
                else None,
                "next_week": (monday + timedelta(days=7)).isoformat()
                if monday + timedelta(days=7) <= last
                else None,
                "refusal": refusal,
                "enabled": contract_sudo._booking_enabled(),
                "moving": moving,
                "upcoming": bookings.filtered(
                    lambda b: b.state == "booked" and b.stop > now
                ),
                "history": bookings.filtered(
                    lambda b: not (b.state == "booked" and b.stop > now)
                ).sorted("start", reverse=True),
                "notice_hours": contract_sudo._get_booking_notice_hours(),
                "lead_hours": contract_sudo.company_id.support_booking_lead_hours,
                "can_change": lambda booking: (
                    booking.state == "booked"
                    and now
                    <= booking.start
                    - timedelta(hours=contract_sudo._get_booking_notice_hours())
                ),
                "format_start": lambda booking: booking.with_context(
                    lang=lang
                )._format_start(tz=tz_name),
                "booking_url": lambda suffix="", **values: self._booking_url(
                    contract_sudo, suffix, access_token, tz=tz, **values
                ),
                "session_hours": contract_sudo.plan_id.session_length,
                "message": kw.get("message") if kw.get("message") in MESSAGES else None,
                "error_message": kw.get("error_message")
                or (
                    _("Someone booked that time a moment ago: choose another one.")
                    if kw.get("error") == "taken"
                    else None
                ),
                "errors": errors,
            }
        )
        # A history of its own, never filled: no record pager, whose
        # neighbours would cost queries and mean nothing on this page.
        return self._get_page_view_values(
            contract_sudo, access_token, values, "my_support_booking_history", False
        )

    @staticmethod
    def _booking_tz_choices(contract_sudo, current):
        """Time zones the client may switch to: those of its country (Chile:
        continental, Magallanes, Easter Island), the current one and UTC."""
        country = (
            contract_sudo.partner_id.country_id or contract_sudo.company_id.country_id
        ).code
        zones = list(pytz.country_timezones.get(country, [])) if country else []
        for extra in (current, "UTC"):
            if extra not in zones:
                zones.append(extra)
        return zones

    @staticmethod
    def _booking_speak_clients_language(contact):
        """A visitor by the email link (not logged in) reads the page in the
        client's language when Odoo has it, whatever their browser's."""
        if not request.env.user._is_public():
            return
        installed = dict(request.env["res.lang"].get_installed())
        if contact.lang in installed and contact.lang != request.env.lang:
            request.update_context(lang=contact.lang)

    def _booking_render(self, contract_sudo, contact, access_token=None, **kw):
        self._booking_speak_clients_language(contact)
        values = self._booking_page_values(contract_sudo, contact, access_token, **kw)
        return request.render("asesorateya_support.portal_support_booking", values)

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------
    @http.route(
        "/my/support/<int:contract_id>/booking",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_support_booking(
        self, contract_id, access_token=None, slot=None, week=None, tz=None, **kw
    ):
        """The week's free times and the sessions booked; POST books one."""
        try:
            contract_sudo, contact = self._booking_check(contract_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        page = {
            "week": week,
            "tz": tz,
            "message": kw.get("message"),
            "error": kw.get("error"),
        }
        if request.httprequest.method != "POST":
            return self._booking_render(contract_sudo, contact, access_token, **page)
        try:
            start = self._booking_parse_slot(slot)
            with request.env.cr.savepoint():
                contract_sudo.action_book(start, contact)
        except SlotTakenError:
            # A fresh page, read after the other booking was committed.
            return request.redirect(
                self._booking_url(
                    contract_sudo, "", access_token, week=week, tz=tz, error="taken"
                )
            )
        except UserError as error:
            page["error_message"] = self._support_error_text(error)
            return self._booking_render(contract_sudo, contact, access_token, **page)
        return request.redirect(
            self._booking_url(contract_sudo, "", access_token, tz=tz, message="booked")
        )

    @http.route(
        "/my/support/<int:contract_id>/booking/<int:booking_id>/reschedule",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_support_booking_reschedule(
        self,
        contract_id,
        booking_id,
        access_token=None,
        slot=None,
        week=None,
        tz=None,
        **kw,
    ):
        """The free times to move a booked session to; POST moves it."""
        try:
            contract_sudo, contact = self._booking_check(contract_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        booking = self._booking_of(contract_sudo, booking_id)
        if not booking:
            return request.redirect("/my")
        page = {
            "week": week,
            "tz": tz,
            "booking_id": booking.id,
            "error": kw.get("error"),
        }
        if request.httprequest.method == "POST":
            try:
                start = self._booking_parse_slot(slot)
                with request.env.cr.savepoint():
                    booking.action_portal_reschedule(start)
            except SlotTakenError:
                return request.redirect(
                    self._booking_url(
                        contract_sudo,
                        f"/{booking.id}/reschedule",
                        access_token,
                        week=week,
                        tz=tz,
                        error="taken",
                    )
                )
            except UserError as error:
                page["error_message"] = self._support_error_text(error)
            else:
                return request.redirect(
                    self._booking_url(
                        contract_sudo, "", access_token, tz=tz, message="rescheduled"
                    )
                )
        elif booking.state != "booked":
            return request.redirect(
                self._booking_url(contract_sudo, "", access_token, tz=tz)
            )
        return self._booking_render(contract_sudo, contact, access_token, **page)

    @http.route(
        "/my/support/<int:contract_id>/booking/<int:booking_id>/cancel",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def portal_support_booking_cancel(
        self, contract_id, booking_id, access_token=None, reason=None, tz=None, **kw
    ):
        """Cancel a booked session (up to the notice)."""
        try:
            contract_sudo, contact = self._booking_check(contract_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        booking = self._booking_of(contract_sudo, booking_id)
        if not booking:
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                booking.action_portal_cancel(reason)
        except UserError as error:
            return self._booking_render(
                contract_sudo,
                contact,
                access_token,
                tz=tz,
                error_message=self._support_error_text(error),
            )
        return request.redirect(
            self._booking_url(
                contract_sudo, "", access_token, tz=tz, message="cancelled"
            )
        )

    @http.route(
        "/my/support/<int:contract_id>/booking/<int:booking_id>/ics",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def portal_support_booking_ics(
        self, contract_id, booking_id, access_token=None, **kw
    ):
        """The booked session as an iCalendar file."""
        try:
            contract_sudo, _contact = self._booking_check(contract_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        booking = self._booking_of(contract_sudo, booking_id)
        if not booking:
            return request.redirect("/my")
        method = "CANCEL" if booking.state == "cancelled" else "REQUEST"
        return request.make_response(
            booking._get_ics(method),
            headers=[
                ("Content-Type", "text/calendar; charset=utf-8"),
                (
                    "Content-Disposition",
                    f'attachment; filename="sesion-{booking.id}.ics"',
                ),
            ],
        )
