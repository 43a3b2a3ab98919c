# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from markupsafe import Markup

from odoo import _, api, models


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
