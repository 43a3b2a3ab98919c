# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

from odoo import SUPERUSER_ID, Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from ..const import (
    DEFAULT_POLICY_XMLID,
    DEMO_COMPANY_XMLID,
    DEMO_SETUP_PARAM,
    GROUP_MANAGER,
)


class ResCompany(models.Model):
    _inherit = "res.company"

    support_low_balance_hours = fields.Float(
        string="Low balance threshold (hours)",
        default=2.0,
        help="A contract is flagged as low on hours when its remaining hours "
        "fall to this number or below.",
    )
    support_low_balance_percent = fields.Float(
        string="Low balance threshold (%)",
        default=20.0,
        help="A contract is flagged as low on hours when its remaining hours "
        "fall to this share of the included hours or below.",
    )
    support_contact_email = fields.Char(
        string="Formal support email",
        help="Email is the formal channel of coordination (policy §3).",
    )
    support_whatsapp_number = fields.Char(
        string="Support WhatsApp",
        help="A complementary channel; it never replaces email.",
    )
    support_booking_url = fields.Char(
        string="Default booking URL",
        help="Where clients book their sessions when a plan sets none.",
    )
    support_policy_id = fields.Many2one(
        "support.policy",
        string="Default cancellation policy",
        help="Governs the contracts of plans that name no policy.",
    )
    support_credit_reminder_days = fields.Integer(
        string="Credit expiry reminder (days before)",
        default=15,
        help="Clients are reminded of an unused credit this many days before "
        "it expires.",
    )
    support_billing_grace_days = fields.Integer(
        string="Days to pay a cycle",
        default=5,
        help="Monthly retainers are paid in advance (policy §8): a retainer "
        "whose cycle invoice is still unpaid this many days after it was due "
        "is paused until it is paid.",
    )
    support_invoice_auto_post = fields.Boolean(
        string="Post cycle invoices",
        default=True,
        help="Post the invoice of each new cycle of a monthly retainer at "
        "once. Unticked, it is left as a draft for the accountant to review "
        "and post (e.g. before the tax authority receives it).",
    )
    support_booking_lead_hours = fields.Integer(
        string="Minimum lead time (hours)",
        default=12,
        help="Clients book sessions that start at least this many hours later.",
    )
    support_booking_horizon_days = fields.Integer(
        string="Booking horizon (days)",
        default=30,
        help="Clients book sessions that start at most this many days ahead.",
    )
    support_booking_step_minutes = fields.Integer(
        string="Slot step (minutes)",
        default=30,
        help="Sessions start on the hour and every this many minutes after it, "
        "in the consultant's time zone.",
    )
    support_booking_reminder_hours = fields.Integer(
        string="Reminder (hours before)",
        default=48,
        help="The client and the consultant are reminded of a booked session "
        "this many hours before it starts (once; a session booked later than "
        "that gets no reminder: its confirmation has just been sent). Earlier "
        "than the notice to reschedule, the client can still move it.",
    )

    _sql_constraints = [
        (
            "support_booking_terms",
            "CHECK(support_booking_lead_hours >= 0 "
            "AND support_booking_horizon_days BETWEEN 1 AND 366 "
            "AND support_booking_step_minutes BETWEEN 5 AND 240 "
            "AND support_booking_reminder_hours >= 0)",
            "Booking: the lead time and the reminder cannot be negative, the "
            "horizon is 1 to 366 days and the slot step 5 to 240 minutes.",
        ),
    ]

    @api.constrains(
        "support_billing_grace_days",
        "support_booking_lead_hours",
        "support_booking_horizon_days",
        "support_booking_step_minutes",
        "support_booking_reminder_hours",
    )
    def _check_support_terms(self):
        """The books' and the booking's settings, refused with their rule
        before the database's check (``support_booking_terms``) would stop
        them with an error of its own."""
        for company in self:
            if company.support_billing_grace_days < 0:
                raise ValidationError(_("The days to pay a cycle cannot be negative."))
            if (
                company.support_booking_lead_hours < 0
                or company.support_booking_reminder_hours < 0
                or not 1 <= company.support_booking_horizon_days <= 366
                or not 5 <= company.support_booking_step_minutes <= 240
            ):
                raise ValidationError(
                    _(
                        "Booking: the lead time and the reminder cannot be "
                        "negative, the horizon of the booking page is 1 to 366 "
                        "days and its slot step 5 to 240 minutes."
                    )
                )

    def _get_support_policy(self):
        """The default cancellation policy of this company.

        :return: a ``support.policy``, possibly empty
        """
        self.ensure_one()
        policy = self.support_policy_id
        if not policy:
            policy = self.env.ref(DEFAULT_POLICY_XMLID, raise_if_not_found=False)
        return policy or self.env["support.policy"]

    def _get_support_manager(self):
        """A support manager of this company, to whom follow-ups fall by default.

        :return: a ``res.users``, the first manager by id; empty if none
        """
        self.ensure_one()
        group = self.env.ref(GROUP_MANAGER, raise_if_not_found=False)
        managers = (group.sudo().users if group else self.env["res.users"]).filtered(
            lambda user: (
                self in user.company_ids and not user.share and user.id != SUPERUSER_ID
            )
        )
        return managers.sorted("id")[:1].sudo(False)

    def _support_today(self):
        """Today where the company works: in the time zone of its address
        (the company's contact), else of the user.

        The scheduled actions run as OdooBot, whose time zone is not the
        consultancy's: a Chilean evening is already tomorrow in Europe, and a
        cycle or bag would close while its last day is still going on.
        """
        self.ensure_one()
        return fields.Date.context_today(self.with_context(tz=self._support_tz()))

    def _support_tz(self):
        """The time zone of the company's day: its contact's, else the user's,
        else UTC. The two contacts are read together: one query, not one
        for each (the user's is read by most requests anyway)."""
        self.ensure_one()
        partner = self.sudo().partner_id
        user_partner = self.env.user.sudo().partner_id
        partner = partner.with_prefetch((partner | user_partner)._ids)
        return partner.tz or user_partner.tz or "UTC"

    def _support_date_of(self, timestamp):
        """The company's calendar day of ``timestamp`` (a UTC datetime): a
        purchase confirmed at 22:30 in Santiago is dated that day in Santiago,
        whoever or whatever confirmed it (issue 13, item 1; agency §8.1)."""
        self.ensure_one()
        return fields.Date.context_today(
            self.with_context(tz=self._support_tz()), timestamp
        )

    @api.model
    def _support_default_today(self):
        """Today of the current company: the default of the addon's dates."""
        return self.env.company._support_today()

    @api.model
    def _support_before_today_domain(self, fname, operator="<"):
        """A domain ``fname <operator> today``, each company's ``today`` its
        own (``_support_today``): the records of a cron or a search that
        spans companies.

        :param str operator: ``<`` or ``<=``
        """
        companies = self.sudo().search([])
        return expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    (fname, operator, company._support_today()),
                ]
                for company in companies
            ]
            # Records of no company: the current company's day.
            + [
                [
                    ("company_id", "=", False),
                    (fname, operator, self.env.company._support_today()),
                ]
            ]
        )

    @api.model
    def _support_upper_today(self):
        """A day no company has reached yet (tomorrow in UTC): the bound of a
        search that ``_support_filter_before_today`` then refines."""
        return fields.Date.today() + timedelta(days=1)

    @api.model
    def _support_filter_before_today(self, records, fname):
        """The ``records`` whose date ``fname`` is before today in their
        company's time zone (``_support_today``)."""
        today = {}

        def before(record):
            company = record.company_id
            if company not in today:
                today[company] = company._support_today()
            return bool(record[fname]) and record[fname] < today[company]

        return records.filtered(before)

    def _support_booking_tz(self):
        """The time zone the consultancy works in: its address's, else its
        working hours', else UTC. A booked session's log is dated in it."""
        self.ensure_one()
        return self.partner_id.tz or self.resource_calendar_id.tz or "UTC"

    # ------------------------------------------------------------------
    # Demo database set-up (scripts/init-demo)
    # ------------------------------------------------------------------
    @api.model
    def _support_demo_load_translations(self):
        """Load the addon's translations now, for the languages installed.

        Odoo loads a module's translations after its demo data
        (``odoo/modules/loading.py``); the demo data calls this first, so that
        the messages and emails its flows write speak the clients' language.
        Values already read into the cache (a model's name, read while the
        data loaded) are dropped with it, so they are read translated.
        """
        self.env["ir.module.module"]._get("asesorateya_support")._update_translations()
        self.env.invalidate_all()
        return True

    @api.model
    def _support_setup_demo(self):
        """Make a database installed with the demo data ready to show: the
        admin works in the demo company, the website sells its services in
        Spanish with prices IVA included, a test payment provider takes
        orders offline, and the mail queue runs every minute.

        The demo data itself leaves these records alone (the admin's company,
        the website, the payment providers): the test suites of other modules
        installed beside the addon rely on them. ``scripts/init-demo`` (hence
        ``scripts/run`` and the Docker quick start) calls this once, right
        after creating the database. Running it again changes nothing more.

        :raise UserError: on a database without the addon's demo data
        """
        company = self.env.ref(DEMO_COMPANY_XMLID, raise_if_not_found=False)
        if not company:
            raise UserError(
                _(
                    "This database has no demo data of the support addon: "
                    "there is no demo company to set up."
                )
            )
        spanish = self.env["res.lang"]._lang_get("es_CL")  # installed and active
        admin = self.env.ref("base.user_admin")
        admin_vals = {
            "company_ids": [Command.link(company.id)],
            "company_id": company.id,
            "tz": "America/Santiago",
        }
        if spanish:
            admin_vals["lang"] = spanish.code
        admin.write(admin_vals)
        company._support_setup_demo_employee(admin)

        website = self.env.ref("website.default_website")
        website_vals = {
            "company_id": company.id,
            # Policy §8: the price published in the shop includes IVA.
            "show_line_subtotals_tax_selection": "tax_included",
        }
        if spanish:
            website_vals.update(
                language_ids=[Command.link(spanish.id)],
                default_lang_id=spanish.id,
            )
        website.write(website_vals)
        company._support_setup_demo_payment()
        # The client emails wait in Odoo's mail queue, whose scheduled action
        # runs hourly: in the demo, every minute, so that a purchase's
        # confirmation reaches the mail catcher (Mailpit) at once.
        queue = self.env.ref(
            "mail.ir_cron_mail_scheduler_action", raise_if_not_found=False
        )
        if queue:
            queue.write({"interval_number": 1, "interval_type": "minutes"})
        self.env["ir.config_parameter"].sudo().set_param(
            DEMO_SETUP_PARAM, fields.Date.to_string(fields.Date.today())
        )
        return True

    def _support_setup_demo_employee(self, user):
        """An employee of ``user`` in this company, so that the admin logs
        sessions there (a log is a timesheet line of the consultant's
        employee). A new record: the admin's employee of the main company
        stays where it is.

        :return: the ``hr.employee``
        """
        self.ensure_one()
        Employee = self.env["hr.employee"].sudo().with_context(active_test=False)
        employee = Employee.search(
            [("user_id", "=", user.id), ("company_id", "=", self.id)], limit=1
        )
        if not employee:
            employee = Employee.create(
                {"name": user.name, "user_id": user.id, "company_id": self.id}
            )
        return employee

    def _support_setup_demo_payment(self):
        """A payment provider of this company in test mode that works offline:
        Odoo's *Demo* provider (module ``payment_demo``), when installed. A
        visitor pays with a fake card, the order is confirmed and the
        confirmation email leaves, as with a real provider.

        :return: the ``payment.provider``, empty without ``payment_demo``
        """
        self.ensure_one()
        Provider = self.env["payment.provider"]
        method = self.env.ref(
            "payment_demo.payment_method_demo", raise_if_not_found=False
        )
        template = self.env.ref(
            "payment.payment_provider_demo", raise_if_not_found=False
        )
        if not method or not template or template.module_state != "installed":
            return Provider
        provider = Provider.search(
            [("code", "=", "demo"), ("company_id", "=", self.id)], limit=1
        )
        if not provider:
            provider = template.copy({"company_id": self.id})
        method.active = True
        provider.write(
            {
                "state": "test",
                "is_published": True,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        return provider
