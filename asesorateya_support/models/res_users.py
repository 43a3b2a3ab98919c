# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _get_support_booking_resource(self, company):
        """The resource whose working hours and time off give this
        consultant's free time in ``company``.

        The employee's resource when the Employees app gives the user one
        (its working hours are the ones HR keeps), else the user's own
        resource in the company; ``_ensure_support_booking_resource`` makes
        one when a consultant starts taking bookings.

        :return: a ``resource.resource``, possibly empty
        """
        self.ensure_one()
        resources = self.sudo().resource_ids.filtered(
            lambda resource: resource.company_id in (company, company.browse())
        )
        if "hr.employee" in self.env and len(resources) > 1:
            employees = (
                self.env["hr.employee"]
                .sudo()
                .with_context(active_test=False)
                .search([("resource_id", "in", resources.ids)])
            )
            resources = employees.resource_id or resources
        return resources.sorted("id")[:1]

    def _ensure_support_booking_resource(self, company):
        """Give these consultants a resource in ``company`` if they have
        none: the company's working hours, in the user's time zone (else the
        company's). Managers then adjust it (Configuration > Consultants'
        working hours).

        :return: the ``resource.resource`` records, one per user
        """
        resources = self.env["resource.resource"].sudo()
        for user in self:
            resource = user._get_support_booking_resource(company)
            if not resource:
                calendar = company.resource_calendar_id
                resource = resources.create(
                    {
                        "name": user.name,
                        "user_id": user.id,
                        "resource_type": "user",
                        "company_id": company.id,
                        "calendar_id": calendar.id,
                        "tz": user.tz or company.partner_id.tz or calendar.tz or "UTC",
                    }
                )
            resources |= resource
        return resources
