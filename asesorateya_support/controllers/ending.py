# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal: the client ends its monthly plan with notice, or withdraws the
notice until it takes effect (support policy §7; issue 13)."""

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from .portal import SupportCustomerPortal


class SupportEndingPortal(SupportCustomerPortal):
    @http.route(
        "/my/support/<int:contract_id>/end",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_end(self, contract_id, reason=None, withdraw=None, **kw):
        """End the plan with notice, or (``withdraw``) withdraw the notice."""
        try:
            contract_sudo = self._support_check_client(contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                if withdraw:
                    contract_sudo._check_portal_request(
                        contract_sudo._portal_can_withdraw_end(),
                        _("Withdrawing the notice"),
                    )
                    contract_sudo.action_withdraw_end()
                else:
                    contract_sudo._check_portal_request(
                        contract_sudo._portal_can_request_end(),
                        _("Ending the plan with notice"),
                    )
                    contract_sudo.action_request_end(reason, channel="portal")
        except UserError as error:
            return self._support_render_contract(
                contract_sudo,
                error_message=self._support_error_text(error),
                error_form="end",
            )
        message = "end_withdrawn" if withdraw else "ending"
        return request.redirect(f"{contract_sudo.access_url}?message={message}")
