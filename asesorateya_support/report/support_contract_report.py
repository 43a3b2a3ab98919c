# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class SupportReportMixin(models.AbstractModel):
    """Reports a client may print: only of records it can read.

    ``/report/pdf/<report>/<ids>`` is open to every logged-in user, portal
    clients included, and renders whatever ids it is given: the access
    rights and record rules are checked here, before anything is rendered,
    whatever the template reads. The portal's own download routes check
    access (or the access token) first, then render as the superuser.
    """

    _name = "support.report.mixin"
    _description = "Support Report Access"
    _report_model = None

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env[self._report_model].browse(docids)
        docs.check_access_rights("read")
        docs.check_access_rule("read")
        return {
            "doc_ids": docs.ids,
            "doc_model": self._report_model,
            # Checked above: the templates read related records (logs,
            # consultants, cycles) the client sees through the contract.
            "docs": docs.sudo(),
            "data": data,
        }


class ReportSupportContractStatement(models.AbstractModel):
    _name = "report.asesorateya_support.report_support_contract_statement"
    _inherit = "support.report.mixin"
    _description = "Support Contract Statement"
    _report_model = "support.contract"


class ReportSupportCancellation(models.AbstractModel):
    _name = "report.asesorateya_support.report_support_cancellation"
    _inherit = "support.report.mixin"
    _description = "Support Cancellation Outcome"
    _report_model = "support.cancellation"
