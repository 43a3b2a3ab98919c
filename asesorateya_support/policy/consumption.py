# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hours a contract consumes from the time logged on it (policy §4)."""

from ..const import SINGLE_SESSION_KINDS


def hours_consumed(kind, hours_logged, hours_included):
    """Hours consumed from ``hours_logged`` on a contract of ``kind``.

    A diagnosis or an incident is one session of a fixed length (policy §4):
    once held, it is consumed whole, whatever time its log says. Every other
    kind consumes the time logged.

    :param str kind: the plan kind
    :param float hours_logged: the time of the logs (corrections included)
    :param float hours_included: the hours the contract (or cycle) gives
    :return: the hours consumed
    :rtype: float
    """
    if kind in SINGLE_SESSION_KINDS and hours_logged > 0:
        return max(hours_logged, hours_included)
    return hours_logged


def net_use(daily_hours, until=None):
    """The hours used, net of corrections, and the day they were first used.

    Support policy §10: the service starts "antes del primer uso de horas de
    la bolsa" is read on the net hours (issue 13, item 2): a log corrected to
    0 h was a mistake, not a use. A correction is dated as the log it
    corrects, so the net time of a day is never negative, and the first use
    is the first day whose net time is positive.

    :param daily_hours: iterable of ``(day, hours)``, the time logged each
        day, corrections included (several rows of a day add up)
    :param until: count only the days up to this one (``None``: all)
    :return: ``(hours, first_day)``: ``first_day`` is ``None`` when no time
        is used
    """
    totals = {}
    for day, hours in daily_hours:
        if until is None or day <= until:
            totals[day] = totals.get(day, 0.0) + (hours or 0.0)
    used = sum(totals.values())
    first = min((day for day, hours in totals.items() if hours > 1e-6), default=None)
    return max(used, 0.0), first
