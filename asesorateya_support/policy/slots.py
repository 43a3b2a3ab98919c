# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Free booking slots: working time minus busy time, cut into sessions.

Pure functions on time-zone aware datetimes; no Odoo import. Every instant is
compared as an absolute moment (UTC), so a daylight-saving change never moves,
doubles or drops a slot: the wall clock is only used to align the starts
(09:00, 09:30...) in the consultant's time zone and to label them in the
client's.
"""

import math
from datetime import datetime, timedelta, timezone

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


#: Intervals this close are one: Odoo's working days end at 23:59:59.999999
#: and the next one begins at 00:00, which must not cut a session in two.
TOUCHING = timedelta(seconds=1)


def merge(intervals):
    """Sorted, merged ``(start, stop)`` pairs: overlapping or touching ones
    (less than a second apart) become one; empty ones are dropped.

    :param intervals: iterable of ``(start, stop)`` aware datetimes
    :return: a list of ``(start, stop)``
    """
    merged = []
    for start, stop in sorted((s, e) for s, e in intervals if s < e):
        if merged and start <= merged[-1][1] + TOUCHING:
            if stop > merged[-1][1]:
                merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def subtract(intervals, busy):
    """The parts of ``intervals`` that no ``busy`` interval covers.

    :param intervals: ``(start, stop)`` pairs (merged here)
    :param busy: ``(start, stop)`` pairs (merged here)
    :return: a sorted list of ``(start, stop)``
    """
    busy = merge(busy)
    result = []
    index = 0
    for start, stop in merge(intervals):
        # Busy intervals wholly before this one never matter again.
        while index < len(busy) and busy[index][1] <= start:
            index += 1
        cursor = start
        position = index
        while position < len(busy) and busy[position][0] < stop:
            busy_start, busy_stop = busy[position]
            if busy_start > cursor:
                result.append((cursor, busy_start))
            cursor = max(cursor, busy_stop)
            position += 1
        if cursor < stop:
            result.append((cursor, stop))
    return result


def align_up(moment, step_minutes, tz):
    """The first moment at or after ``moment`` whose wall-clock time in
    ``tz`` is a multiple of ``step_minutes`` since midnight.

    :param moment: an aware datetime
    :param tz: a ``tzinfo`` (pytz or zoneinfo) of the consultant
    """
    offset = moment.astimezone(tz).utcoffset() or timedelta(0)
    local_seconds = (moment - _EPOCH).total_seconds() + offset.total_seconds()
    step = step_minutes * 60
    aligned = math.ceil(local_seconds / step) * step
    return moment + timedelta(seconds=aligned - local_seconds)


def free_slots(work, busy, duration, step_minutes, earliest, latest, tz):
    """Starts of the sessions of ``duration`` that fit in the working time
    free of busy time.

    :param work: ``(start, stop)`` working intervals (aware)
    :param busy: ``(start, stop)`` busy intervals (aware): events, leaves,
        other bookings
    :param timedelta duration: the length of a session
    :param int step_minutes: slots start on the wall-clock multiples of this
    :param earliest: no slot starts before it (now plus the lead time)
    :param latest: no slot starts after it (the horizon)
    :param tz: the consultant's time zone, which aligns the starts
    :return: a sorted list of distinct aware start datetimes (UTC)
    """
    if step_minutes <= 0 or duration <= timedelta(0):
        raise ValueError("the step and the duration must be positive")
    starts = []
    for start, stop in subtract(work, busy):
        moment = align_up(max(start, earliest), step_minutes, tz)
        while moment + duration <= stop and moment <= latest:
            starts.append(moment.astimezone(timezone.utc))
            # Aligned again after each step: a change of UTC offset inside
            # the interval keeps the starts on the wall-clock grid.
            moment = align_up(
                moment + timedelta(minutes=step_minutes), step_minutes, tz
            )
    return sorted(set(starts))


def group_by_day(starts, tz):
    """The slot starts by day of the client's wall clock, with their labels.

    A day whose UTC offset changes (a daylight-saving night) labels its times
    with the offset, so that the hour that happens twice is told apart.

    :param starts: aware datetimes
    :param tz: the client's time zone
    :return: a list of ``(date, [(start_utc, local_datetime, label)])``,
        days and times in order
    """
    days = {}
    for start in sorted(starts):
        local = start.astimezone(tz)
        days.setdefault(local.date(), []).append((start, local))
    result = []
    for day, items in sorted(days.items()):
        offsets = {local.utcoffset() for _start, local in items}
        labelled = []
        for start, local in items:
            label = local.strftime("%H:%M")
            if len(offsets) > 1:
                offset = local.strftime("%z")
                label = f"{label} (UTC{offset[:3]}:{offset[3:5]})"
            labelled.append((start, local, label))
        result.append((day, labelled))
    return result


def epoch(moment):
    """Whole seconds since 1970 (UTC) of an aware datetime: a slot's id."""
    return int((moment - _EPOCH).total_seconds())


def from_epoch(seconds):
    """The aware UTC datetime of a slot id (see :func:`epoch`)."""
    return _EPOCH + timedelta(seconds=seconds)
