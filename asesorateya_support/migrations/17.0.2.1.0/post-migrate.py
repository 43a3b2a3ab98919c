# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.2.1.0: client credits are in the books (issue 12, item 7).

A credit issued before had no entry, and its uses were negative lines on the
orders' invoices. Each credit that still owes the client something gets its
open credit note now, dated the day of the upgrade (the entry was never
made; back-dating it could fall in a closed period or an IVA month already
declared), for what it owes: its remaining balance plus its uses on orders
not invoiced yet (those orders' invoices no longer carry the credit line:
the credit note pays them, as for a credit issued after the upgrade).

Left alone, and why:
- a credit used up, or expired, owes nothing: it needs no entry (its uses
  were billed as negative lines, as the books of the time show);
- a company without a sales journal keeps no books the addon posts to.

A credit note Odoo refuses (e.g. a client without the RUT its note needs on
l10n_cl) stays a draft with an activity on the contract, as for a new credit;
the upgrade goes on. Nothing of a credit changes: amount, remaining, dates
and uses are the same before and after (``tests/check_migration_17_0_2_1_0.py``).
"""

import logging

from odoo import SUPERUSER_ID, _, api
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Credit = env["support.credit"].with_context(active_test=False)
    credits = Credit.search([("move_id", "=", False), ("contract_id", "!=", False)])
    booked = 0
    for credit in credits:
        if not Credit._has_books(credit.company_id):
            continue
        pending = credit.usage_ids.filtered(
            lambda usage: (
                usage.state == "active" and not usage.sale_line_id.qty_invoiced
            )
        )
        owed = credit.currency_id.round(
            (credit.amount_remaining if credit.state == "available" else 0.0)
            + sum(pending.mapped("amount"))
        )
        if credit.currency_id.compare_amounts(owed, 0.0) <= 0:
            continue
        contract = credit.contract_id.with_company(credit.company_id)
        label = _(
            "Client credit %(credit)s: %(contract)s",
            credit=credit.name,
            contract=contract.name,
        )
        origin = contract._get_support_origin_invoice("out_refund")
        move = (
            env["account.move"]
            .with_company(credit.company_id)
            .create(
                contract._prepare_support_move_values(
                    "out_refund", owed, label, credit.name, origin
                )
            )
        )
        credit.move_id = move
        try:
            with cr.savepoint():
                move._support_prepare_documents()
                move.action_post()
        except (UserError, ValidationError) as error:
            _logger.warning(
                "Support credit %s: credit note %s left as a draft: %s",
                credit.name,
                move.id,
                error,
            )
            contract.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(contract.user_id or env.user).id,
                summary=str(error)[:200],
            )
            continue
        booked += 1
    _logger.info("Client credits put in the books: %s credit notes posted", booked)
