# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models

from ..const import FPOS_BY_REGION_MEMO


class AccountFiscalPosition(models.Model):
    _inherit = "account.fiscal.position"

    @api.model
    def _get_fpos_by_region(
        self, country_id=False, state_id=False, zipcode=False, vat_required=False
    ):
        """Odoo's search of the fiscal position of a region, remembered by
        region while cycles are billed (``support.contract.period._bill``
        opens the memo in the cursor's transaction cache and closes it).

        For each client, Odoo searches up to six times (exact region, then
        wider), among the company's positions and then among all, and again
        without the VAT requirement if none matched: 14 queries a client of
        the bench (l10n_cl, issue 17), the same answer for all the clients of
        a region. The monthly run bills clients of a few regions: one search
        a region and batch. Nothing changes the fiscal positions while the
        values of a batch are prepared; outside it, Odoo's search as it is.
        """
        memo = self.env.cr.cache.get(FPOS_BY_REGION_MEMO)
        if memo is None:
            return super()._get_fpos_by_region(
                country_id, state_id, zipcode, vat_required
            )
        key = (
            self.env.uid,
            self.env.su,
            self.env.company.id,
            country_id,
            state_id,
            zipcode,
            vat_required,
        )
        if key not in memo:
            found = super()._get_fpos_by_region(
                country_id, state_id, zipcode, vat_required
            )
            memo[key] = found.ids if found else None
        ids = memo[key]
        return self.browse(ids) if ids is not None else False
