# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import SESSION_SYNC_CONTEXT

#: What a session's timesheet line holds of the log: its hours and where they
#: count (support policy §4, §11). Edited only through the session (a
#: correction log), never from Timesheets, a project or a task.
SESSION_LOCKED_FIELDS = frozenset(
    {
        "date",
        "unit_amount",
        "project_id",
        "task_id",
        "employee_id",
        "user_id",
        "account_id",
        "company_id",
        "partner_id",
        "so_line",
        "product_uom_id",
        "name",
        "is_support_log",
    }
)


class AccountAnalyticLine(models.Model):
    """A timesheet line that is a session log's keeps the log's guarantees."""

    _inherit = "account.analytic.line"

    is_support_log = fields.Boolean(
        string="Support session log",
        readonly=True,
        copy=False,
        help="This timesheet line is the time of an Odoo support session log: "
        "it changes only through a correction log of the session.",
    )
    support_session_ids = fields.One2many(
        "support.session", "timesheet_id", string="Support session"
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.context.get(SESSION_SYNC_CONTEXT) and any(
            line.project_id.support_client_id for line in lines
        ):
            # Its hours would count on the task and the sale line, not on
            # the contract: time spent for a support client is a session log.
            raise UserError(
                _(
                    "%(project)s holds the support session logs of its client: "
                    "time spent there is logged as a session in Odoo Support "
                    "(Session Logs), which makes its timesheet line.",
                    project=lines.project_id.filtered("support_client_id")[
                        :1
                    ].display_name,
                )
            )
        return lines

    def write(self, vals):
        if (
            not self.env.context.get(SESSION_SYNC_CONTEXT)
            and SESSION_LOCKED_FIELDS & set(vals)
            and any(line.is_support_log for line in self)
        ):
            self._check_support_log_unchanged(vals)
        return super().write(vals)

    def _check_support_log_unchanged(self, vals):
        """Refuse a change of a session log's time, day or place.

        Values equal to the stored ones pass: a form saving unchanged fields
        changes nothing.

        :raise UserError: pointing to the correction log
        """
        for line in self.filtered("is_support_log"):
            for fname in SESSION_LOCKED_FIELDS & set(vals):
                field = self._fields[fname]
                new = field.convert_to_cache(vals[fname], line, validate=False)
                if new != field.convert_to_cache(line[fname], line, validate=False):
                    raise UserError(
                        _(
                            "This timesheet line is the time of the support "
                            "session log %(log)s: its time, day, project, task, "
                            "employee and description change only from the "
                            "log. Open the log in Odoo Support and use "
                            "'Correct time' (a correction log with its reason).",
                            log=line.sudo().support_session_ids[:1].display_name,
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_support_log(self):
        if any(line.is_support_log for line in self):
            raise UserError(
                _(
                    "This timesheet line is the time of a support session log: "
                    "session logs consumed hours and are never deleted. Open "
                    "the log in Odoo Support and use 'Correct time' instead."
                )
            )
