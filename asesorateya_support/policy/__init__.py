# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python policy rules: no Odoo imports, so they can be unit-tested alone."""

from .periods import notice_last_day, period_bounds  # noqa: F401
from .rollover import simulate_rollover  # noqa: F401
from .consumption import hours_consumed, net_use  # noqa: F401
from .cancellation import (  # noqa: F401
    AMOUNT_KEYS,
    PREFERENCES,
    QUOTE_KEYS,
    compute_quote,
    credit_expiry,
    decide_cancellation,
    round_amount,
    weighted_progress,
)
from .slots import (  # noqa: F401
    TOUCHING,
    epoch,
    free_slots,
    from_epoch,
    group_by_day,
    merge,
    subtract,
)
