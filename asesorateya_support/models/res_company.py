# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models

from ..const import DEFAULT_POLICY_XMLID, GROUP_MANAGER


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
        tz = self.partner_id.tz or self.env.user.tz or "UTC"
        return fields.Date.context_today(self.with_context(tz=tz))

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
