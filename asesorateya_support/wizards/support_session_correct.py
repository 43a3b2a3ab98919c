# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class SupportSessionCorrect(models.TransientModel):
    """Collect the right time of a log and why, then record the correction."""

    _name = "support.session.correct"
    _description = "Correct a Session Log"

    session_id = fields.Many2one("support.session", required=True)
    duration_logged = fields.Float(
        related="session_id.duration_effective", string="Time logged"
    )
    duration = fields.Float(string="Right time", required=True)
    reason = fields.Text(required=True)

    @api.onchange("session_id")
    def _onchange_session_id(self):
        self.duration = self.session_id.duration_effective

    def action_confirm(self):
        self.ensure_one()
        self.session_id.action_correct(self.duration, self.reason)
        return {"type": "ir.actions.act_window_close"}
