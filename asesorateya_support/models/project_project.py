# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ProjectProject(models.Model):
    """The support project of a client: where its session logs are timesheets."""

    _inherit = "project.project"

    support_client_id = fields.Many2one(
        "res.partner",
        string="Support client",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The client whose Odoo support session logs are this project's "
        "timesheets: one project per client and company, one task per contract.",
    )

    _sql_constraints = [
        (
            "support_client_uniq",
            "unique(support_client_id, company_id)",
            "A client has one support project per company.",
        ),
    ]

    @api.model
    def _get_support_project(self, client, company):
        """The support project of ``client`` in ``company``, made the first
        time (sudo).

        Two first logs of the same client at once: the first rewrites the
        client's row (a no-op ``UPDATE``, which locks it and makes a new row
        version), so the second waits for it; once the first commits, the
        second's ``UPDATE`` fails with a serialization failure under Odoo's
        REPEATABLE READ, and Odoo retries its whole request, which then finds
        the project. A plain ``SELECT ... FOR UPDATE`` would not do: the second
        would get the lock but keep its older snapshot, miss the project and
        hit ``support_client_uniq``.
        """
        Project = self.sudo().with_context(active_test=False)
        domain = [
            ("support_client_id", "=", client.id),
            ("company_id", "=", company.id),
        ]
        project = Project.search(domain, limit=1)
        if project:
            return project
        # The serialization failure is expected and retried: not logged as a
        # "bad query" at ERROR.
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = write_date WHERE id = %s",
            [client.id],
            log_exceptions=False,
        )
        project = Project.search(domain, limit=1)
        if project:
            return project
        return Project.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(
            {
                "name": _("Odoo support: %(client)s", client=client.name),
                "partner_id": client.id,
                "company_id": company.id,
                "support_client_id": client.id,
                "allow_timesheets": True,
                "allow_billable": True,
                "privacy_visibility": "employees",
            }
        )


class ProjectTask(models.Model):
    """The task of a support contract in its client's support project."""

    _inherit = "project.task"

    support_contract_id = fields.Many2one(
        "support.contract",
        string="Support contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )

    _sql_constraints = [
        (
            "support_contract_uniq",
            "unique(support_contract_id)",
            "A support contract has one task.",
        ),
    ]

    def write(self, vals):
        if "project_id" in vals and any(
            task.support_contract_id and task.project_id.id != vals["project_id"]
            for task in self
        ):
            raise UserError(
                _(
                    "This task holds the session logs of a support contract: "
                    "it stays in its client's support project."
                )
            )
        return super().write(vals)
