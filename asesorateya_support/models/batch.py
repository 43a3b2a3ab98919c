# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers of the scheduled actions that work in batches."""

import threading


def commit_batch(env):
    """Commit the batch a scheduled action just finished, so that a run
    killed later keeps it and the next run only does what is left.

    Not in tests (Odoo marks their thread ``testing``, as its mail queue
    checks): a test's data is rolled back at its end.
    """
    if not getattr(threading.current_thread(), "testing", False):
        env.cr.commit()  # pylint: disable=invalid-commit
