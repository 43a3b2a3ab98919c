# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.1.8.0: the invoices of monthly cycles and the work billed at a
cancellation are linked to the sale order line they bill.

New ones are linked when they are made (``sale_line_ids`` of their line,
flagged ``support_beyond_order`` so that the order's invoiced quantity stays
what it sold). Those issued before are linked here the same way, so that the
order's invoices and the client's order history list them too. Nothing else
changes: their amounts, states and payments are left as they are.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    # The documents billed beyond their order: (move, order line it bills).
    # Cycle invoices, except the order's own invoice of a first cycle, and
    # the work done beyond what was paid, billed at a cancellation.
    cr.execute(
        """
        WITH beyond AS (
            SELECT period.invoice_id, contract.sale_line_id
              FROM support_contract_period period
              JOIN support_contract contract ON contract.id = period.contract_id
             WHERE period.invoice_id IS NOT NULL
               AND period.billed_by_order IS NOT TRUE
               AND contract.sale_line_id IS NOT NULL
            UNION
            SELECT cancellation.extra_move_id, contract.sale_line_id
              FROM support_cancellation cancellation
              JOIN support_contract contract ON contract.id = cancellation.contract_id
             WHERE cancellation.extra_move_id IS NOT NULL
               AND contract.sale_line_id IS NOT NULL
        ),
        lines AS (
            SELECT aml.id, beyond.sale_line_id
              FROM account_move_line aml
              JOIN beyond ON beyond.invoice_id = aml.move_id
              JOIN account_move move ON move.id = aml.move_id
             WHERE aml.display_type = 'product'
               AND move.move_type = 'out_invoice'
               AND NOT EXISTS (
                   SELECT 1 FROM sale_order_line_invoice_rel rel
                    WHERE rel.invoice_line_id = aml.id
               )
        ),
        linked AS (
            INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
            SELECT id, sale_line_id FROM lines
            RETURNING invoice_line_id
        )
        UPDATE account_move_line SET support_beyond_order = TRUE
         WHERE id IN (SELECT invoice_line_id FROM linked)
        """
    )
    _logger.info(
        "Support: %s billed lines linked to their sale order line", cr.rowcount
    )
