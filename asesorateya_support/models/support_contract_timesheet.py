# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, fields, models

#: Kinds whose task plans the hours the client bought (a bag, a diagnosis,
#: an incident): the task's progress is the contract's.
PLANNED_HOURS_KINDS = ("hour_bag", "diagnosis", "incident")


class SupportContract(models.Model):
    """Where a contract's session logs count in Project and Timesheets."""

    # One file per concern (STYLE.md, "Layout").
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited

    timesheet_task_id = fields.Many2one(
        "project.task",
        string="Timesheet task",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The task of this contract in its client's support project: its "
        "session logs are the task's timesheets.",
    )
    timesheet_project_id = fields.Many2one(
        related="timesheet_task_id.project_id", string="Support project"
    )

    def _get_support_timesheet_tasks(self):
        """The task of each contract, made with the first log.

        One project per client and company (the client's support work in
        one place, as Odoo's project per customer; its profitability sums
        its contracts), one task per contract (its hours, and for a bag its
        planned hours: the task's progress is the bag's).

        :return: ``{contract id: project.task}`` (sudo)
        """
        tasks = {}
        for contract in self:
            task = contract.sudo().timesheet_task_id
            if not task:
                task = contract._create_support_timesheet_task()
            tasks[contract.id] = task
        return tasks

    def _create_support_timesheet_task(self):
        self.ensure_one()
        contract = self.sudo()
        project = self.env["project.project"]._get_support_project(
            contract.partner_id, contract.company_id
        )
        task = (
            self.env["project.task"]
            .sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                {
                    "name": contract.name,
                    "project_id": project.id,
                    "partner_id": contract.partner_id.id,
                    "company_id": contract.company_id.id,
                    "support_contract_id": contract.id,
                    "sale_line_id": contract.sale_line_id.id,
                    "allocated_hours": contract.hours_included
                    if contract.kind in PLANNED_HOURS_KINDS
                    else 0.0,
                    "user_ids": [fields.Command.clear()],
                }
            )
        )
        contract.timesheet_task_id = task
        return task

    def action_open_timesheets(self):
        """The contract's session logs as timesheet lines."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "asesorateya_support.support_timesheet_action"
        )
        action["domain"] = [("task_id", "=", self.timesheet_task_id.id)]
        action["display_name"] = _("Timesheets of %(contract)s", contract=self.name)
        return action
