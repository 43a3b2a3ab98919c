# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Monthly cycle boundaries for the monthly retainer (policy §7)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta


def period_bounds(anchor, index):
    """Return the first and last day of the ``index``-th monthly cycle.

    Every cycle is computed from the anchor (the day the first cycle began),
    never from the previous cycle, so a cycle that starts on the 31st does not
    drift to the 28th forever after February: cycles anchored on 2026-01-31
    are 01-31..02-27, 02-28..03-30, 03-31..04-29, 04-30..05-30 and so on.
    Cycles are contiguous: each one starts the day after the previous ends.

    :param datetime.date anchor: first day of the first cycle
    :param int index: 0 for the first cycle, 1 for the second...
    :return: ``(date_start, date_end)``, both included
    :rtype: tuple
    """
    if index < 0:
        raise ValueError("index must be >= 0")
    start = anchor + relativedelta(months=index)
    end = anchor + relativedelta(months=index + 1) - timedelta(days=1)
    return start, end


def notice_last_day(anchor, index, request_date, notice_days):
    """The last day of a monthly retainer ended with notice (support §7).

    The retainer runs to the end of the cycle covering ``request_date`` plus
    ``notice_days``: with no notice (the shipped policy), the end of the
    current cycle. A cycle paid in advance is always served whole, so the
    client never loses part of a cycle it paid, and no cycle begins after.

    :param datetime.date anchor: first day of the contiguous series of the
        current cycle
    :param int index: index of the current cycle in that series
    :param datetime.date request_date: the day the client gave notice
    :param int notice_days: the policy version's notice, in days (>= 0)
    :return: the last day of service
    :rtype: datetime.date
    """
    if notice_days < 0:
        raise ValueError("notice must be >= 0")
    until = request_date + timedelta(days=notice_days)
    end = period_bounds(anchor, index)[1]
    while end < until:
        index += 1
        end = period_bounds(anchor, index)[1]
    return end
