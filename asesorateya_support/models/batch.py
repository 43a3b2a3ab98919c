# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers of the scheduled actions that work in batches."""

import threading

from psycopg2 import sql
from psycopg2.errors import SerializationFailure


def commit_batch(env):
    """Commit the batch a scheduled action just finished, so that a run
    killed later keeps it and the next run only does what is left.

    Not in tests (Odoo marks their thread ``testing``, as its mail queue
    checks): a test's data is rolled back at its end.
    """
    if not getattr(threading.current_thread(), "testing", False):
        env.cr.commit()  # pylint: disable=invalid-commit


def claim_queued(model, field, batch_size):
    """Take the next ``batch_size`` records of ``model`` whose ``field`` is
    ``'queued'``, oldest first, locking their rows; the rows another run has
    locked are skipped, so two runs never handle the same record.

    :return: ``(full, records)``: whether a whole batch was found (more may
        be left), and the records claimed, still queued; none when another
        run handled them since this transaction began
    """
    queued = model.search([(field, "=", "queued")], order="id", limit=batch_size)
    if not queued:
        return False, queued
    query = sql.SQL(
        """
        SELECT id FROM {table}
         WHERE id IN %s AND {field} = 'queued'
           FOR NO KEY UPDATE SKIP LOCKED
        """
    ).format(table=sql.Identifier(model._table), field=sql.Identifier(field))
    try:
        with model.env.cr.savepoint(flush=False):
            model.env.cr.execute(query, [tuple(queued.ids)], log_exceptions=False)
            ids = [row[0] for row in model.env.cr.fetchall()]
    except SerializationFailure:
        # Another run handled them since this transaction began: nothing
        # is left for this one (it is re-triggered if more are queued).
        return True, model.browse()
    records = model.browse(ids)
    records.invalidate_recordset([field])
    return len(queued) == batch_size, records.filtered(
        lambda record: record[field] == "queued"
    )
