# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import SESSION_SYNC_CONTEXT


class SupportSession(models.Model):
    """Each session log is one timesheet line (hr_timesheet).

    The log keeps its own model and guarantees (policy §4, §11): its day and
    time are written once, with the log, into its timesheet line, and
    neither ever changes afterwards (the log refuses it, the line refuses
    it); a correction is a new log with a new line. So the consultant's
    Timesheets, the project and task hours, the employee's cost and the
    sale line's delivered quantity (sale_timesheet) count every log and
    every correction, and agree with the contract's hours.
    """

    # One file per concern (STYLE.md, "Layout").
    _inherit = "support.session"  # pylint: disable=consider-merging-classes-inherited

    timesheet_id = fields.Many2one(
        "account.analytic.line",
        string="Timesheet line",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
        help="The timesheet line of this log: its hours in the consultant's "
        "Timesheets, the client's support project and the contract's task.",
    )
    employee_id = fields.Many2one(related="timesheet_id.employee_id", string="Employee")
    project_id = fields.Many2one(
        related="timesheet_id.project_id", string="Support project"
    )
    task_id = fields.Many2one(related="timesheet_id.task_id", string="Task")

    _sql_constraints = [
        (
            "timesheet_uniq",
            "unique(timesheet_id)",
            "A timesheet line is the time of one session log.",
        ),
    ]

    @api.model
    def _create_timesheet_lines(self, vals_list):
        """Create the timesheet line of each log about to be created, and put
        it in its values (``timesheet_id``).

        Called by ``create`` once the contract, day and cycle of every log
        are known and checked. The line is the log's time on the contract's
        task in its client's support project, for the consultant's employee;
        a correction's line is for the employee of the log it corrects (the
        time is theirs). It draws on the contract's sale line, as
        sale_timesheet counts prepaid hours, except the logs of a retainer's
        later cycles, which are invoiced by cycle, not by the order.

        :param list vals_list: the logs' values (changed in place)
        :raise UserError: when a consultant has no employee in the company
        """
        contracts = self.env["support.contract"].browse(
            [vals["contract_id"] for vals in vals_list]
        )
        tasks = contracts._get_support_timesheet_tasks()
        originals = self.browse(
            [
                vals["correction_of_id"]
                for vals in vals_list
                if vals.get("correction_of_id")
            ]
        )
        periods = self.env["support.contract.period"].browse(
            [vals["period_id"] for vals in vals_list if vals.get("period_id")]
        )
        line_vals_list = []
        for vals in vals_list:
            contract = contracts.browse(vals["contract_id"])
            task = tasks[contract.id]
            line_vals = {
                "name": vals.get("objective") or "/",
                "date": vals["date"],
                "unit_amount": vals["duration"],
                "project_id": task.project_id.id,
                "task_id": task.id,
                "is_support_log": True,
                "so_line": self._get_timesheet_sale_line(
                    contract, periods.browse(vals.get("period_id"))
                ).id,
                # The log says which sale line its hours count on: a change
                # of the task or project never moves them (sale_timesheet).
                "is_so_line_edited": True,
            }
            if vals.get("correction_of_id"):
                original = originals.browse(vals["correction_of_id"])
                line_vals["employee_id"] = original.timesheet_id.employee_id.id
            else:
                line_vals["user_id"] = vals.get("user_id") or self.env.uid
            line_vals_list.append(line_vals)
        Line = (
            self.env["account.analytic.line"]
            .sudo()
            .with_context(
                allowed_company_ids=contracts.company_id.ids,
                **{SESSION_SYNC_CONTEXT: True},
            )
        )
        try:
            lines = Line.create(line_vals_list)
        except ValidationError:
            self._check_consultants_are_employees(line_vals_list, contracts)
            raise
        for vals, line in zip(vals_list, lines, strict=True):
            vals["timesheet_id"] = line.id

    @api.model
    def _get_timesheet_sale_line(self, contract, period):
        """The sale line a log's hours are delivered on (sale_timesheet).

        :return: a ``sale.order.line``, maybe empty
        """
        if contract.kind == "monthly" and not period.billed_by_order:
            # A later cycle has its own invoice (policy §8): its hours are
            # not the order's.
            return self.env["sale.order.line"]
        return contract.sale_line_id

    @api.model
    def _check_consultants_are_employees(self, line_vals_list, contracts):
        """Say which consultant has no employee, rather than Timesheets'
        generic refusal (called when the timesheet lines are refused).

        :raise UserError: naming the consultant and the company
        """
        user_ids = {vals["user_id"] for vals in line_vals_list if vals.get("user_id")}
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("user_id", "in", list(user_ids)),
                    ("company_id", "in", contracts.company_id.ids),
                ]
            )
        )
        for user in self.env["res.users"].sudo().browse(user_ids):
            if user not in employees.user_id:
                raise UserError(
                    _(
                        "%(user)s has no employee in %(company)s: a session "
                        "log is a timesheet line of the consultant's employee. "
                        "Ask a manager to create it (Employees app, Related "
                        "User: %(user)s), then log the session again.",
                        user=user.name,
                        company=", ".join(contracts.company_id.mapped("name")),
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if "objective" in vals:
            # The log's description is its timesheet line's.
            for session in self:
                session.timesheet_id.sudo().with_context(
                    **{SESSION_SYNC_CONTEXT: True}
                ).write({"name": session.objective or "/"})
        return result
