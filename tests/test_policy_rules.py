# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pure policy rules (no ORM): monthly cycle bounds and unused-hour expiry."""

from datetime import date

import pytest

from odoo.addons.asesorateya_support.policy import period_bounds, simulate_rollover


@pytest.mark.parametrize(
    ("anchor", "index", "expected"),
    [
        ("2026-05-01", 0, ("2026-05-01", "2026-05-31")),
        ("2026-05-01", 1, ("2026-06-01", "2026-06-30")),
        ("2026-01-31", 0, ("2026-01-31", "2026-02-27")),
        ("2026-01-31", 1, ("2026-02-28", "2026-03-30")),
        ("2026-01-31", 2, ("2026-03-31", "2026-04-29")),
        ("2028-01-30", 0, ("2028-01-30", "2028-02-28")),  # leap year
        ("2028-01-30", 1, ("2028-02-29", "2028-03-29")),
    ],
)
def test_period_bounds(anchor, index, expected):
    start, end = period_bounds(date.fromisoformat(anchor), index)
    assert (start.isoformat(), end.isoformat()) == expected


def test_period_bounds_are_contiguous_for_years():
    anchor = date(2026, 1, 31)
    previous_end = None
    for index in range(36):
        start, end = period_bounds(anchor, index)
        assert start <= end
        if previous_end:
            assert (start - previous_end).days == 1
        previous_end = end


def test_period_bounds_refuses_negative_index():
    with pytest.raises(ValueError):
        period_bounds(date(2026, 1, 1), -1)


def test_no_rollover_is_the_policy():
    outcome = simulate_rollover([(8, 3), (8, 8), (8, 0)])
    assert [o["expired"] for o in outcome] == [5, 0, 8]
    assert all(o["carried_in"] == 0 and o["carried_out"] == 0 for o in outcome)


def test_rollover_one_period_consumes_oldest_first():
    # Cycle 1 leaves 5 h; cycle 2 has 8 + 5 and uses 10: the 5 carried first,
    # then 5 of its own; its 3 left go on to cycle 3 and expire after it.
    outcome = simulate_rollover([(8, 3), (8, 10), (8, 0)], rollover_periods=1)
    assert outcome[0] == {"carried_in": 0, "expired": 0, "carried_out": 5}
    assert outcome[1] == {"carried_in": 5, "expired": 0, "carried_out": 3}
    assert outcome[2] == {"carried_in": 3, "expired": 3, "carried_out": 8}


def test_rollover_hours_expire_after_their_periods():
    outcome = simulate_rollover([(8, 0), (8, 0), (8, 0)], rollover_periods=1)
    assert [o["expired"] for o in outcome] == [0, 8, 8]


def test_rollover_refuses_negative():
    with pytest.raises(ValueError):
        simulate_rollover([(8, 0)], rollover_periods=-1)
