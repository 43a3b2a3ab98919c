# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from markupsafe import Markup

from odoo import _, api, models
from odoo.tools import SQL

from ..const import QWEB_COMPILE_ONCE


class SupportClientMailMixin(models.AbstractModel):
    """Emails to the client, posted on the record's chatter (support policy
    §2, §3, §4, §6, §9, §10, §11).

    A record that writes to the client renders a template, posts it on its
    own chatter as a comment and lets the mail queue send it; when nobody at
    the client has an email, the consultant gets a to-do to reach them by
    another channel. The inheriting model is a mail thread with activities
    (``mail.thread``, ``mail.activity.mixin``) and has ``partner_id`` (the
    client's commercial entity) and ``company_id``; it may name the contact who
    bought (:meth:`_get_client_contact`), its own channels
    (:meth:`_get_support_email`, :meth:`_get_support_whatsapp`,
    :meth:`_get_booking_url`) and who follows it up
    (:meth:`_get_support_responsible`).

    The contract inherits it: the emails about its logs, cycles and
    cancellation are posted on the contract too
    (``contract._send_client_mail(template, record)``), so that the client's
    whole correspondence is the one thread the portal shows. The session
    summaries (posted on each log, in batches) and the credit reminders
    (followers of the credit) are sent their own way.
    """

    _name = "support.client.mail.mixin"
    _description = "Support Client Mail Mixin"

    def _get_client_contact(self):
        """The person the client's emails are addressed to; by default the
        client company (a contract names the contact who bought).

        :return: a ``res.partner``
        """
        self.ensure_one()
        return self.partner_id

    def _get_mail_partner(self):
        """The recipient of the client's emails: the contact who bought when
        they have an email, else the client company when it has one.

        :return: a ``res.partner``, empty when nobody at the client has an
            email (see ``_send_client_mail``)
        """
        self.ensure_one()
        candidates = self._get_client_contact() | self.partner_id
        return candidates.filtered("email")[:1]

    def _get_support_email(self):
        """The formal channel (policy §3): the company's support email, else
        its email."""
        self.ensure_one()
        company = self.company_id
        return company.support_contact_email or company.email or ""

    def _get_support_whatsapp(self):
        """The complementary WhatsApp channel: the company's."""
        self.ensure_one()
        return self.company_id.support_whatsapp_number or ""

    def _get_booking_url(self):
        """Where the client books sessions: the company's page."""
        self.ensure_one()
        return self.company_id.support_booking_url or ""

    def _get_support_responsible(self, active_only=False):
        """Who follows up what the client must be told or asks; by default a
        support manager of the company (a contract names its consultant).

        :param bool active_only: pass over an archived user
        :return: a ``res.users``, possibly empty
        """
        self.ensure_one()
        return self.company_id._get_support_manager()

    def _get_mail_author(self):
        """The author of the client's emails: the internal user acting, else
        the consultant, else the company (a client acting in the portal, the
        public user of the shop)."""
        self.ensure_one()
        user = self.env.user
        if not user.share and not user._is_superuser():
            return user.partner_id
        responsible = self._get_support_responsible()
        return responsible.partner_id or self.company_id.partner_id

    def _schedule_support_activity(self, summary, note):
        """A to-do for the consultant on this record, due today."""
        self.ensure_one()
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=note,
            user_id=self._get_support_responsible().id or self.env.uid,
        )

    def _send_client_mail(self, template_xmlid, record=None):
        """Email the client the template ``template_xmlid`` rendered on
        ``record`` (default: this contract), through the mail queue.

        The message is posted on this contract's chatter as a comment: the
        client's whole correspondence stays on the contract, visible in the
        portal. It is never sent at once (``mail_notify_force_send``): the
        mail queue sends it after the commit, and keeps it, failed, to send
        again if the mail server is down. When nobody at the client has an
        email, the message is still posted, to nobody outside the team, and
        the consultant gets an activity to reach the client by another
        channel; nothing fails.

        :param str template_xmlid: a ``mail.template`` of this contract's
            model or of ``record``'s
        :param record: the record the template is about (a cycle, a
            cancellation), default this contract
        :return: the ``mail.message`` posted, or an empty one when the
            template was deleted
        """
        self.ensure_one()
        message = self.env["mail.message"]
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return message
        record = record or self
        values = template.sudo()._generate_template(
            record.ids,
            [
                "subject",
                "body_html",
                "email_from",
                "partner_to",
                "email_to",
                "email_cc",
            ],
            find_or_create_partners=True,
        )[record.id]
        partners = self.env["res.partner"].sudo().browse(values.get("partner_ids"))
        reachable = partners.filtered("email")
        # Odoo notifies nobody of their own actions; a client who acts
        # themselves (buys in the shop, cancels in the portal) is still told.
        notify_author = self.env.user.partner_id in reachable
        message = (
            self.sudo()
            .with_context(mail_notify_force_send=False, mail_create_nosubscribe=True)
            .message_post(
                subject=values.get("subject"),
                body=values.get("body_html") or "",
                email_from=values.get("email_from") or None,
                author_id=self._get_mail_author().id,
                partner_ids=reachable.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                mail_auto_delete=template.auto_delete,
                notify_author=notify_author,
            )
        )
        if reachable:
            self._trigger_mail_queue()
        else:
            self._schedule_reach_client(values)
        return message.sudo(False)

    @api.model
    def _trigger_mail_queue(self):
        """Have the mail queue run within moments, once this transaction is
        committed, rather than at its next hourly run."""
        cron = self.env.ref(
            "mail.ir_cron_mail_scheduler_action", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()

    def _schedule_reach_client(self, values):
        """Ask the consultant to tell the client what an email would have said.

        :param dict values: the rendered ``subject`` and ``body_html``
        """
        self.ensure_one()
        contact = self._get_client_contact()
        self._schedule_support_activity(
            _("Reach the client: %(subject)s", subject=values.get("subject") or ""),
            Markup("<p>%s</p>%s")
            % (
                _(
                    "%(client)s has no email address, so this email was not "
                    "sent. Tell them by phone or WhatsApp and add their email "
                    "to the contact.",
                    client=contact.display_name,
                ),
                values.get("body_html") or "",
            ),
        )

    @api.model
    def _send_client_mails_batch(self, template_xmlid, pairs):
        """``_send_client_mail`` for many emails at once, as Odoo's mass
        mailing sends them: the template is rendered on all the records in one
        call (``_generate_template`` over their ids, grouped by the clients'
        languages), and the messages, their notifications and their queued
        ``mail.mail`` are each created in one batch.

        Each email leaves the trace ``_send_client_mail`` leaves: a comment
        on the thread (the contract's chatter, seen by the client in the
        portal and by the team in the backend) addressed to the client, with
        its delivery status; the followers of the thread who follow its
        comments are told as a comment notifies them (by email, or in their
        Odoo inbox). What a batch spares: the notification layout around the
        body (the template's body is the whole email, as in a mass mailing)
        and a render and a post per email. A client with nobody to email gets
        the comment to nobody and the consultant a to-do, as one by one.

        :param str template_xmlid: a ``mail.template`` of the records' model
        :param list pairs: ``(thread, record)``: ``record`` rendered, posted
            on ``thread`` (a record of this model); a thread may come twice
        :return: the ``mail.message`` posted (empty if the template was
            deleted)
        """
        Message = self.env["mail.message"].sudo()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template or not pairs:
            return Message
        records = self.env[template.model].browse([r.id for _t, r in pairs])
        # The body compiled once per language (``mail.template``).
        values_all = (
            template.sudo()
            .with_context(**{QWEB_COMPILE_ONCE: True})
            ._generate_template(
                records.ids,
                ["subject", "body_html", "email_from", "partner_to"],
                find_or_create_partners=False,
            )
        )
        threads = self.browse([t.id for t, _r in pairs]).sudo()
        companies = threads._mail_get_companies(default=self.env.company)
        domains = threads._mail_get_alias_domains(default_company=self.env.company)
        reply_tos = threads._notify_get_reply_to(default=False)
        Partner = self.env["res.partner"].sudo()
        comment = self.env.ref("mail.mt_comment")
        message_values, unreachable, bodies = [], [], []
        for thread, record in pairs:
            values = values_all[record.id]
            reachable = Partner.browse(values.get("partner_ids") or []).filtered(
                "email"
            )
            if not reachable:
                unreachable.append((thread, values))
            bodies.append(values.get("body_html") or "")
            author = thread._get_mail_author()
            email_from = values.get("email_from") or author.email_formatted
            message_values.append(
                {
                    "model": self._name,
                    "res_id": thread.id,
                    "record_name": thread.sudo().display_name,
                    "message_type": "comment",
                    "subtype_id": comment.id,
                    "subject": values.get("subject"),
                    "author_id": author.id,
                    "email_from": email_from,
                    "reply_to": reply_tos.get(thread.id) or email_from,
                    "partner_ids": [(6, 0, reachable.ids)],
                    "record_company_id": companies[thread.id].id,
                    "record_alias_domain_id": domains[thread.id].id,
                    "email_add_signature": False,
                }
            )
        messages = self._create_client_messages(message_values, bodies)
        self._notify_client_mails_batch(messages, threads, comment, template)
        for thread, values in unreachable:
            thread._schedule_reach_client(values)
        if len(unreachable) < len(pairs):
            self._trigger_mail_queue()
        return messages.sudo(False)

    @api.model
    def _create_client_messages(self, message_values, bodies):
        """Create the messages of ``message_values`` with their ``bodies``
        (``_write_message_bodies``).

        :return: the ``mail.message`` created, in the same order
        """
        Message = self.env["mail.message"].sudo()
        if any("data:image" in body for body in bodies):
            # Images embedded in the body: mail.message's create makes them
            # attachments, which only its own way of saving the body does.
            for values, body in zip(message_values, bodies, strict=True):
                values["body"] = body
            return Message.create(message_values)
        messages = Message.create(message_values)
        self._write_message_bodies(messages, bodies)
        return messages

    @api.model
    def _write_message_bodies(self, messages, bodies):
        """Save the bodies of new ``messages``, each sanitised once, in one
        query.

        The ORM sanitises an HTML field twice when it creates a record (the
        value it stores, and the value it caches): 2 of the 5.6 s of a batch
        of 500 closing emails, profiled. Each body is sanitised here once, as
        ``mail.message``'s ``body`` field does (``convert_to_column``, its
        options), and stored as the ORM would have stored it; the cached
        bodies are read again when used.

        :param messages: ``mail.message`` records just created without body
        :param list bodies: their rendered bodies (HTML), in the same order
        """
        field = messages._fields["body"]
        rows = SQL(", ").join(
            SQL("(%s, %s)", message.id, str(field.convert_to_column(body, message)))
            for message, body in zip(messages, bodies, strict=True)
        )
        messages.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE mail_message SET body = rows.body FROM (VALUES %s) "
                "AS rows(id, body) WHERE mail_message.id = rows.id",
                rows,
            )
        )
        messages.invalidate_recordset(["body"])

    @api.model
    def _notify_client_mails_batch(self, messages, threads, subtype, template):
        """Notify the recipients of ``messages`` (posted on ``threads``, one
        each) as ``message_post`` would, in three batched creates: their
        addressees and the followers of the thread who follow ``subtype``
        (two queries for all), but not the user acting; by email (one
        queued ``mail.mail`` a message) or in their inbox."""
        Followers = self.env["mail.followers"]
        followers = Followers._get_recipient_data(threads, "comment", subtype.id)
        addressees = Followers._get_recipient_data(
            None, "comment", False, pids=messages.partner_ids.ids
        ).get(0, {})
        acting = self.env.user.partner_id.id
        mail_values, inbox = [], []
        for message in messages:
            recipients = dict(followers.get(message.res_id, {}))
            recipients.update({pid: addressees[pid] for pid in message.partner_ids.ids})
            emailed = []
            for pid, data in recipients.items():
                if pid == acting or data["active"] is False:
                    continue
                if data["notif"] == "inbox":
                    inbox.append((message, pid))
                else:
                    emailed.append(pid)
            if emailed:
                mail_values.append(
                    {
                        "mail_message_id": message.id,
                        "body_html": message.body,
                        "recipient_ids": [(6, 0, emailed)],
                        "auto_delete": template.auto_delete,
                        "is_notification": True,
                        "references": message.message_id,
                        "state": "outgoing",
                    }
                )
        mails = self.env["mail.mail"].sudo().create(mail_values)
        notifications = [
            {
                "mail_message_id": mail.mail_message_id.id,
                "res_partner_id": partner.id,
                "notification_type": "email",
                "mail_mail_id": mail.id,
                "is_read": True,
                "notification_status": "ready",
            }
            for mail in mails
            for partner in mail.recipient_ids
        ]
        notifications += [
            {
                "mail_message_id": message.id,
                "res_partner_id": pid,
                "notification_type": "inbox",
            }
            for message, pid in inbox
        ]
        self.env["mail.notification"].sudo().create(notifications)
