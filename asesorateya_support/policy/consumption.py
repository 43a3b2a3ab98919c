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
