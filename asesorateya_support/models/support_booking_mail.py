# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a booked session sends: the client's emails on its contract with the
session's ``.ics``, the consultant's notes and calendar emails, and the
reminders, once each, through the mail queue."""

import logging
from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.tools import plaintext2html

from ..const import (
    BOOKING_CANCELLED_MAIL_TEMPLATE,
    BOOKING_CONSULTANT_REMINDER_MAIL_TEMPLATE,
    BOOKING_REMINDER_CRON,
    BOOKING_REMINDER_MAIL_TEMPLATE,
)
from .batch import commit_batch

try:
    import vobject
except ImportError:  # pragma: no cover - a requirement of Odoo itself
    vobject = None

_logger = logging.getLogger(__name__)


class SupportBooking(models.Model):
    """The emails and reminders of a booked session."""

    # A concern of the booking in a file of its own (STYLE.md, "Layout").
    _inherit = "support.booking"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _reminder_values(self, contract, start):
        """The reminder of a session of ``contract`` starting at ``start``:
        the company's hours before, unless that time has passed (a session
        booked or moved that late was just confirmed by email).

        :return: the values of ``reminder_state`` and ``reminder_date``
        """
        hours = contract.sudo().company_id.support_booking_reminder_hours
        when = start - timedelta(hours=hours)
        if when <= fields.Datetime.now():
            return {"reminder_state": False, "reminder_date": False}
        return {"reminder_state": "queued", "reminder_date": when}

    def _trigger_reminder(self):
        """Have the reminder action run when this reminder is due."""
        self.ensure_one()
        cron = self.env.ref(BOOKING_REMINDER_CRON, raise_if_not_found=False)
        if cron and self.reminder_state == "queued":
            cron.sudo()._trigger(at=self.reminder_date)

    def _get_mail_recipient(self):
        """Who the client's emails about this booking go to: the person who
        attends when they have an email, else the contract's recipient."""
        self.ensure_one()
        if self.contact_id.email:
            return self.contact_id
        return self.contract_id._get_mail_partner()

    def _get_manage_url(self):
        """The booking page of the contract, with its access token (emails)."""
        self.ensure_one()
        contract = self.contract_id.sudo()
        return contract.get_base_url() + contract._get_booking_page_path()

    def _get_case_url(self):
        """The contract's case form (policy §9), with the access token."""
        self.ensure_one()
        contract = self.contract_id.sudo()
        return contract.get_base_url() + contract.get_portal_url(anchor="case")

    def _needs_case_reminder(self):
        """A diagnosis or incident whose client has not sent the case yet
        (policy §2, §9)."""
        self.ensure_one()
        contract = self.contract_id
        return contract.kind in ("diagnosis", "incident") and not (
            contract.sudo().date_case_sent
        )

    def _get_ics(self, method="REQUEST"):
        """The session as an iCalendar file: the same ``UID`` for every
        version, a ``SEQUENCE`` that grows when it moves, ``METHOD:CANCEL``
        when it is cancelled, so the client's calendar app updates its copy.

        :return: bytes, or ``b""`` without the vobject library
        """
        self.ensure_one()
        if not vobject:
            return b""
        cal = vobject.iCalendar()
        cal.add("method").value = method
        event = cal.add("vevent")
        event.add("uid").value = f"{self.ics_uid}@asesorateya-support"
        event.add("sequence").value = str(
            self.reschedule_count + (1 if method == "CANCEL" else 0)
        )
        event.add("dtstamp").value = pytz.utc.localize(fields.Datetime.now())
        event.add("dtstart").value = pytz.utc.localize(self.start)
        event.add("dtend").value = pytz.utc.localize(self.stop)
        event.add("summary").value = self.sudo()._get_event_name()
        event.add("status").value = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
        if self.videocall_url:
            event.add("location").value = self.videocall_url
        event.add("description").value = _(
            "Manage the booking: %(url)s", url=self._get_manage_url()
        )
        organizer = self.consultant_id.sudo().partner_id
        if organizer.email:
            event.add("organizer").value = f"MAILTO:{organizer.email}"
            event.organizer.params["CN"] = [organizer.name]
        for partner in (organizer | self.contact_id.sudo()).filtered("email"):
            attendee = event.add("attendee")
            attendee.value = f"MAILTO:{partner.email}"
            attendee.params["CN"] = [partner.name]
        return cal.serialize().encode()

    def _send_client_mail(self, template_xmlid, reason=None):
        """Email the client about this booking through the mail queue, posted
        on the contract's chatter (the client's whole correspondence is
        there, in the portal) with the session's ``.ics``; a client with
        nobody to email gets an activity to reach them instead (as
        ``support.contract._send_client_mail``).

        :param str reason: the consultancy's reason, shown in the email
        """
        self.ensure_one()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return self.env["mail.message"]
        values = (
            template.sudo()
            .with_context(support_booking_reason=reason)
            ._generate_template(
                self.ids,
                ["subject", "body_html", "email_from", "partner_to"],
                find_or_create_partners=True,
            )[self.id]
        )
        contract = self.contract_id
        partners = self.env["res.partner"].sudo().browse(values.get("partner_ids"))
        reachable = partners.filtered("email")
        method = (
            "CANCEL" if template_xmlid == BOOKING_CANCELLED_MAIL_TEMPLATE else "REQUEST"
        )
        ics = self._get_ics(method)
        author = self._get_author()
        message = (
            contract.sudo()
            .with_context(mail_notify_force_send=False, mail_create_nosubscribe=True)
            .message_post(
                subject=values.get("subject"),
                body=values.get("body_html") or "",
                email_from=values.get("email_from") or None,
                author_id=author.id,
                partner_ids=reachable.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=[("sesion.ics", ics)] if ics else [],
                # The client who books is told too, as after a purchase.
                notify_author=author in reachable,
            )
        )
        if reachable:
            contract._trigger_mail_queue()
        else:
            contract._schedule_reach_client(values)
        return message

    def _get_author(self):
        """The author of a booking's messages: the user acting (a consultant,
        or a client in the portal); the client's person when acting by the
        email link (as the public user); else, for the scheduled actions,
        the consultant or the company."""
        self.ensure_one()
        user = self.env.user
        if user._is_public():
            return self.contact_id or self.contract_id._get_mail_author()
        if not user._is_superuser():
            return user.partner_id
        return self.contract_id._get_mail_author()

    def _notify_consultant_calendar(self, template_xmlid):
        """Odoo's calendar invitation (or change of date) to the consultant,
        with its ``.ics`` and accept/decline links, through the mail queue;
        not when the consultant acts themselves."""
        self.ensure_one()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        partner = self.consultant_id.partner_id
        attendees = self.event_id.sudo().attendee_ids.filtered(
            lambda attendee: attendee.partner_id == partner
        )
        if template and attendees:
            # The consultant organises the event: Odoo tells no author of
            # their own message unless asked to.
            attendees.with_context(mail_notify_author=True)._send_mail_to_attendees(
                template
            )

    def _notify_consultant(self, text):
        """A note to the consultant on this booking (email through the queue)."""
        self.ensure_one()
        partner = self.consultant_id.partner_id
        self.sudo().with_context(mail_notify_force_send=False).message_post(
            body=plaintext2html(text),
            partner_ids=partner.ids if partner != self.env.user.partner_id else [],
            author_id=self._get_author().id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _post_change_note(self, text):
        """The trail of a change on the booking (the team reads it)."""
        self.ensure_one()
        self.sudo().message_post(
            body=plaintext2html(text),
            author_id=self._get_author().id,
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _cron_send_reminders(self, batch_size=200):
        """Remind the client and the consultant of the sessions whose
        reminder time has come, once each (``reminder_state``), through the
        mail queue. Bookings are claimed under row locks, so two runs never
        send the same reminder; works in batches, committing each one outside
        tests and re-triggering itself while some are left.

        :return: the ``support.booking`` records reminded
        """
        now = fields.Datetime.now()
        due = self.search(
            [
                ("reminder_state", "=", "queued"),
                ("reminder_date", "<=", now),
                ("state", "=", "booked"),
            ],
            order="reminder_date, id",
            limit=batch_size,
        )
        bookings = self.browse()
        if due:
            self.env.cr.execute(
                """
                SELECT id FROM support_booking
                 WHERE id IN %s AND reminder_state = 'queued'
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                [tuple(due.ids)],
            )
            bookings = self.browse([row[0] for row in self.env.cr.fetchall()])
            bookings.invalidate_recordset(["reminder_state"])
            bookings = bookings.filtered(lambda b: b.reminder_state == "queued")
        for booking in bookings:
            booking._send_reminders()
        bookings.with_context(support_booking_sync=True).write(
            {"reminder_state": "sent"}
        )
        _logger.info("Support: %s booking reminders sent", len(bookings))
        if len(due) == batch_size:
            commit_batch(self.env)
            self.env.ref(BOOKING_REMINDER_CRON).sudo()._trigger()
        return bookings

    def _send_reminders(self):
        """The reminder to the client (on the contract, with the case form
        for a diagnosis or an incident, policy §9) and to the consultant."""
        self.ensure_one()
        self._send_client_mail(BOOKING_REMINDER_MAIL_TEMPLATE)
        template = self.env.ref(
            BOOKING_CONSULTANT_REMINDER_MAIL_TEMPLATE, raise_if_not_found=False
        )
        partner = self.consultant_id.partner_id
        if template and partner.email:
            values = template.sudo()._generate_template(
                self.ids, ["subject", "body_html"]
            )[self.id]
            self.sudo().with_context(mail_notify_force_send=False).message_notify(
                partner_ids=partner.ids,
                subject=values.get("subject"),
                body=values.get("body_html") or "",
                author_id=self.company_id.partner_id.id,
                email_layout_xmlid="mail.mail_notification_light",
            )
            self.env["support.contract"]._trigger_mail_queue()

    @api.model
    def _get_reason(self):
        """The consultancy's reason of a move or cancellation (emails)."""
        return self.env.context.get("support_booking_reason") or ""
