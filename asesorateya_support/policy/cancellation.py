# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a cancellation gives back (support policy §10, agency policy §3, §4).

Pure functions: the model (``support.contract.cancellation_quote``) gathers the
facts of one contract and its policy version, and this module does the maths.
All amounts are in the contract currency, IVA included. Intermediate results
are exact decimals. One rounding rule for every kind of plan (issue 13, item
8): the work done is the one amount rounded, once, half-up to the currency's
rounding step; what is given back is derived from it by subtraction, so
refund + credit never exceeds what was paid and a tie always favours the
same side (the work done).
"""

from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

#: Outcomes a policy can give to a refundable amount.
OUTCOMES = ("refund", "credit", "review")
#: What a client may ask for when cancelling: the policy's outcome, a credit
#: or a refund.
PREFERENCES = ("policy", "credit", "refund")
#: Keys of a quote, in the order the documentation lists them.
QUOTE_KEYS = (
    "phase",
    "legal_basis",
    "amount_paid",
    "work_done_amount",
    "refundable_amount",
    "refund_amount",
    "credit_amount",
    "extra_invoice_amount",
    "invoice_reversal_amount",
    "credit_expiry_date",
    "explanation",
)
#: The keys of :data:`QUOTE_KEYS` that are amounts.
AMOUNT_KEYS = QUOTE_KEYS[2:9]


def to_decimal(value):
    """A float, int or str as an exact ``Decimal`` (floats through ``repr``)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value or 0)


def round_amount(value, rounding):
    """Round ``value`` half-up to a multiple of ``rounding`` (e.g. 1 for CLP).

    :param value: a number (``Decimal`` preferred)
    :param rounding: the currency's rounding step, e.g. ``1.0`` or ``0.01``
    :rtype: Decimal
    """
    step = to_decimal(rounding)
    if step <= 0:
        raise ValueError("rounding must be positive")
    units = (to_decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return units * step


def legal_basis(date_purchase, request_date, withdrawal_days, started):
    """The clause a cancellation request falls under.

    The statutory withdrawal window (retracto, SERNAC) counts calendar days
    from the purchase, the purchase day being day 0: with 10 days, a request
    on day 10 is inside, on day 11 outside. It only applies before the
    service starts.

    :return: ``"withdrawal"``, ``"before_start"`` or ``"after_start"``
    """
    if started:
        return "after_start"
    days = (request_date - date_purchase).days
    if withdrawal_days > 0 and 0 <= days <= withdrawal_days:
        return "withdrawal"
    return "before_start"


def credit_expiry(request_date, validity_months):
    """Last day a credit can be used: request date plus the validity months.

    ``relativedelta`` clamps to the month's last day: a credit of 2026-08-31
    valid 6 months expires on 2027-02-28 (2028-02-29 in a leap year). A
    validity of 0 months (or ``None``) is a credit without expiry (support
    policy §5 sets none): ``None``.
    """
    if not validity_months:
        return None
    return request_date + relativedelta(months=validity_months)


def weighted_progress(items, step):
    """Weighted progress of a project, in percent, from its items.

    :param items: iterable of ``(weight_percent, progress_percent)``; the
        weights add up to 100 and each progress is a multiple of ``step``
    :param step: the policy's progress step in percent (10)
    :rtype: Decimal
    :raise ValueError: on a progress off the step or outside 0..100, or
        weights that do not add up to 100
    """
    total_weight = Decimal(0)
    progress = Decimal(0)
    step = to_decimal(step)
    for weight, item_progress in items:
        weight, item_progress = to_decimal(weight), to_decimal(item_progress)
        if not Decimal(0) <= item_progress <= Decimal(100):
            raise ValueError("progress must be between 0 and 100")
        if step > 0 and item_progress % step:
            raise ValueError("progress must be a multiple of the step")
        total_weight += weight
        progress += weight * item_progress / Decimal(100)
    if total_weight != Decimal(100):
        raise ValueError("weights must add up to 100")
    return progress


def compute_quote(
    *,
    kind,
    request_date,
    date_purchase,
    date_start,
    amount_paid,
    rounding,
    withdrawal_days=10,
    before_start_outcome="refund",
    started_outcome="credit",
    credit_validity_months=6,
    hours_included=0.0,
    hours_used=0.0,
    period_fee=0.0,
    period_hours=0.0,
    period_hours_used=0.0,
    period_hours_carried_in=0.0,
    has_period=False,
    period_amount_received=None,
    project_total=0.0,
    project_progress=0.0,
    deposit_amount=0.0,
):
    """Compute a cancellation quote (everything but its explanation).

    Before the effective start the whole amount paid is refundable, a
    project's non-refundable deposit aside, even within the statutory
    withdrawal window (agency policy §3.3 excludes it expressly, as the law
    allows for a distance purchase: issue 13, item 9). A project with
    recorded progress has started, whatever its start date says (agency
    §4.2, item 3). After the start:

    - hour bag: work done = hours used x amount paid / hours included;
    - diagnosis, incident: the single session, once held, is all the work;
    - monthly: only the current cycle counts; its used hours x cycle fee /
      cycle hours are the work done, earlier cycles are not refundable; only
      what was received for the cycle is given back (support §8): of an
      unpaid or partly paid cycle, the work done not covered by what was
      received stays due on its invoice and the rest of the invoice is
      reversed (``invoice_reversal_amount``), never credited;
    - project: work done = total x weighted progress; the deposit is never
      refunded and work done beyond what was paid is an extra invoice.

    :param str kind: the plan kind (``hour_bag``, ``diagnosis``, ``incident``,
        ``monthly``, ``project``)
    :param date request_date: the day the client asked to cancel
    :param date date_purchase: the day of the purchase (acceptance)
    :param date date_start: the effective start, or ``None``
    :param amount_paid: what the client paid, IVA included (for a monthly
        retainer: the first cycle's fee while it has not started)
    :param rounding: the currency's rounding step
    :param str before_start_outcome: ``refund``, ``credit`` or ``review``
    :param str started_outcome: ``refund``, ``credit`` or ``review``
    :param period_fee: monthly: fee of the cycle covering the request date
    :param period_hours: monthly: hours that fee pays for
    :param period_hours_used: monthly: hours used in that cycle
    :param period_hours_carried_in: monthly: hours carried in from earlier
        cycles (used first; already paid in those cycles)
    :param bool has_period: monthly: whether a cycle covers the request date
    :param period_amount_received: monthly: what was received for that
        cycle (``None``: its whole fee, e.g. paid with the order)
    :param project_progress: project: weighted progress in percent
    :param deposit_amount: project: the non-refundable deposit
    :return: ``(quote, details)``: ``quote`` has every key of
        :data:`QUOTE_KEYS` but ``explanation``; ``details`` holds the figures
        an explanation cites (rate, hours, progress, outcome)
    :raise ValueError: on a request before the purchase or inconsistent input
    """
    if request_date < date_purchase:
        raise ValueError("request before purchase")
    for outcome in (before_start_outcome, started_outcome):
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
    zero = Decimal(0)
    paid = to_decimal(amount_paid)
    if paid < 0:
        raise ValueError("negative amount paid")
    started = bool(date_start and date_start <= request_date) or (
        kind == "project" and to_decimal(project_progress) > 0
    )
    basis = legal_basis(date_purchase, request_date, withdrawal_days, started)
    details = {"kind": kind, "rate": None, "hours_unused": None, "progress": None}
    extra = reversal = zero
    deposit = min(round_amount(deposit_amount, rounding), paid)

    if basis in ("withdrawal", "before_start"):
        # Nothing was delivered; only a project's deposit is kept (agency
        # §3.3: "estrictamente no reembolsable", also within a withdrawal
        # window an admin may give the agency policy; issue 13, item 9).
        work_done = zero
        refundable = paid - deposit if kind == "project" else paid
    else:
        paid, work_done, refundable, extra, reversal = _started_amounts(
            kind,
            paid,
            rounding,
            details,
            hours_included=hours_included,
            hours_used=hours_used,
            period_fee=period_fee,
            period_hours=period_hours,
            period_hours_used=period_hours_used,
            period_hours_carried_in=period_hours_carried_in,
            has_period=has_period,
            period_amount_received=period_amount_received,
            project_total=project_total,
            project_progress=project_progress,
            deposit=deposit,
        )

    if basis == "withdrawal":
        outcome = "refund"  # the law gives the money back, not a credit
    elif basis == "before_start":
        outcome = before_start_outcome
    else:
        outcome = started_outcome
    if refundable <= 0:
        outcome = "none"
    details["outcome"] = outcome
    details["deposit"] = deposit
    refund = refundable if outcome == "refund" else zero
    credit = refundable if outcome == "credit" else zero
    quote = {
        "phase": "started" if started else "before_start",
        "legal_basis": basis,
        "amount_paid": paid,
        "work_done_amount": work_done,
        "refundable_amount": refundable,
        "refund_amount": refund,
        "credit_amount": credit,
        "extra_invoice_amount": extra,
        "invoice_reversal_amount": reversal,
        "credit_expiry_date": (
            credit_expiry(request_date, credit_validity_months)
            if refundable > 0
            else None
        ),
    }
    if min(quote[key] for key in AMOUNT_KEYS) < 0 or refund + credit > paid:
        raise ValueError(f"inconsistent quote {quote!r}")  # a bug, never the input
    return quote, details


def _started_amounts(
    kind,
    paid,
    rounding,
    details,
    *,
    hours_included,
    hours_used,
    period_fee,
    period_hours,
    period_hours_used,
    period_hours_carried_in,
    has_period,
    period_amount_received,
    project_total,
    project_progress,
    deposit,
):
    """Amounts of a cancellation after the effective start, by plan kind.

    :return: ``(paid, work_done, refundable, extra, reversal)`` as decimals;
        ``paid`` is what the quote counts as paid (for a monthly retainer,
        what was received for the current cycle)
    """
    zero = Decimal(0)
    extra = reversal = zero
    if kind == "hour_bag":
        included = to_decimal(hours_included)
        if included <= 0:
            raise ValueError("hours included must be positive")
        used = max(to_decimal(hours_used), zero)
        details["rate"] = paid / included
        work_done = min(round_amount(used * paid / included, rounding), paid)
        refundable = paid - work_done
        details["hours_unused"] = max(included - used, zero)
    elif kind in ("diagnosis", "incident"):
        # The single session, once held, is the whole service.
        work_done, refundable = paid, zero
    elif kind == "monthly":
        if not has_period:
            paid = work_done = refundable = zero
        else:
            fee = to_decimal(period_fee)
            base = to_decimal(period_hours)
            if base <= 0:
                raise ValueError("cycle hours must be positive")
            # Hours carried in from earlier cycles are used first: they were
            # paid then, and earlier cycles are not refundable.
            used_paid = min(
                max(
                    to_decimal(period_hours_used) - to_decimal(period_hours_carried_in),
                    zero,
                ),
                base,
            )
            details["rate"] = fee / base
            details["hours_unused"] = base - used_paid
            # The one rounding rule: the work done is rounded (item 8).
            work_done = min(round_amount(used_paid * fee / base, rounding), fee)
            # Support §8: the cycle is paid in advance; only what was
            # received can come back (issue 13, item 4).
            received = fee if period_amount_received is None else period_amount_received
            paid = min(max(to_decimal(received), zero), fee)
            refundable = max(paid - work_done, zero)
            # Of an unpaid invoice, the work done not covered stays due; the
            # rest is reversed on the invoice.
            reversal = fee - max(work_done, paid)
            details["fee"] = fee
    elif kind == "project":
        progress = to_decimal(project_progress)
        details["progress"] = progress
        work_done = round_amount(
            to_decimal(project_total) * progress / Decimal(100), rounding
        )
        kept = max(work_done, deposit)
        refundable = max(paid - kept, zero)
        extra = max(work_done - paid, zero)
    else:
        raise ValueError(f"unknown kind {kind!r}")

    return paid, work_done, refundable, extra, reversal


def decide_cancellation(
    preference,
    *,
    refundable_amount,
    refund_amount,
    credit_amount,
    refund_needs_approval,
    is_manager,
):
    """What a confirmed cancellation does with its refundable amount, and
    whether it waits for a manager (support policy §10).

    Nothing refundable gives nothing. A client who prefers a credit gets it
    at once, and so does a client the policy refunds, or credits when it
    asks for what the policy says. A refund instead of the policy's credit,
    or a quote the policy leaves to a manager's review, waits for a manager
    when the policy's version says refunds need approval or when there is no
    credit to fall back on; a manager who records a refund settles it at
    once.

    :param str preference: one of :data:`PREFERENCES`
    :param refundable_amount: the quote's refundable amount
    :param refund_amount: what the quote refunds by itself
    :param credit_amount: what the quote credits by itself
    :param bool refund_needs_approval: the version's rule for a refund
        instead of the credit
    :param bool is_manager: whether a support manager records it
    :return: ``(decision, pending)``: ``decision`` is ``none``, ``credit``,
        ``refund``, or ``False`` when a manager decides between a refund and
        a credit; ``pending`` whether it waits for a manager
    :raise ValueError: on an unknown preference
    """
    if preference not in PREFERENCES:
        raise ValueError(f"unknown preference {preference!r}")
    if not refundable_amount:
        return "none", False
    if preference == "credit":
        return "credit", False
    if refund_amount:
        return "refund", False
    if credit_amount and preference == "policy":
        return "credit", False
    # A refund instead of the credit, or a policy that asks for review.
    decision = "refund" if preference == "refund" else False
    needs_manager = not credit_amount or refund_needs_approval
    return decision, bool(needs_manager and not (is_manager and decision))
