# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Unused monthly hours: expiry (the policy) or a bounded roll-over (an option)."""


def simulate_rollover(periods, rollover_periods=0):
    """Replay a monthly contract's closed cycles and say what each left behind.

    The policy (§4, §7) is that hours not used within a month never carry over:
    with ``rollover_periods=0`` every unused hour of a cycle expires at its
    close. A plan may instead let unused hours survive ``rollover_periods``
    following cycles. Hours are consumed oldest first (carried hours before the
    cycle's own), and a carried hour that reaches its age limit expires.

    :param periods: ``(hours_base, hours_used)`` of each cycle, oldest first
    :param int rollover_periods: how many later cycles an unused hour survives
    :return: one dict per cycle with ``carried_in`` (hours that came from
        earlier cycles), ``expired`` (hours lost at its close) and
        ``carried_out`` (hours handed to the next cycle)
    :rtype: list
    """
    if rollover_periods < 0:
        raise ValueError("rollover_periods must be >= 0")
    buckets = []  # [age, hours], oldest first; age = cycles since its origin
    result = []
    for base, used in periods:
        carried_in = sum(hours for _age, hours in buckets)
        pool = buckets + [[0, max(base, 0.0)]]
        to_consume = max(used, 0.0)
        for bucket in pool:
            take = min(bucket[1], to_consume)
            bucket[1] -= take
            to_consume -= take
        buckets, expired = [], 0.0
        for age, hours in pool:
            if hours <= 0:
                continue
            if age + 1 <= rollover_periods:
                buckets.append([age + 1, hours])
            else:
                expired += hours
        result.append(
            {
                "carried_in": carried_in,
                "expired": expired,
                "carried_out": sum(hours for _age, hours in buckets),
            }
        )
    return result
