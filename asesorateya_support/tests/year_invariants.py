# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invariants the year simulation (``test_year_simulation``) checks after
every step: what the policies and the books promise.

Small functions, each one promise, so that one can be tightened alone (e.g. a
credit's remaining against the accounting ledger once credits are accounting
documents). Each takes the running ``TestCase`` for its assertions.
"""

from odoo.tools import float_compare

from ..policy.consumption import hours_consumed


def check_hours_match_logs(case, contract):
    """Hours used equal the sum of the logs, and the logs' time equals their
    timesheet lines' (support policy §4; issue 14)."""
    sessions = contract.session_ids
    for session in sessions:
        case.assertTrue(session.timesheet_id, f"{session.display_name}: no line")
        case.assertAlmostEqual(
            session.timesheet_id.unit_amount, session.duration, places=4
        )
    logged = sum(sessions.mapped("duration"))
    if contract.kind == "monthly":
        for period in contract.period_ids:
            case.assertAlmostEqual(
                period.hours_used,
                sum(period.session_ids.mapped("duration")),
                places=4,
                msg=f"cycle {period.display_name}",
            )
        case.assertFalse(
            sessions.filtered(lambda s: not s.period_id),
            "every retainer log counts in a cycle",
        )
    elif contract.kind in ("hour_bag", "diagnosis", "incident"):
        case.assertAlmostEqual(
            contract.hours_used,
            hours_consumed(contract.kind, logged, contract.hours_included),
            places=4,
            msg=f"{contract.name} hours used",
        )


def check_balance_never_below_zero_untold(case, contract):
    """No balance goes below zero without the client told (policy §5, §6):
    the log that crossed it says the client was told, and how, and the
    contract keeps the note; a correction that crossed it is emailed to the
    client in its session summary."""

    def check_run(sessions, allowed, label):
        used = 0.0
        for session in sessions.sorted("id"):
            before, used = used, used + session.duration
            if float_compare(used, allowed, precision_digits=4) <= 0:
                continue
            if float_compare(before, used, precision_digits=4) >= 0:
                continue  # a correction down: no more hours used
            if session.correction_of_id:
                case.assertIn(
                    session.summary_state,
                    ("queued", "sent"),
                    f"{label}: a correction beyond the balance is told",
                )
                continue
            case.assertTrue(
                session.exceeds_balance and session._is_client_informed(),
                f"{label}: {session.duration} h logged beyond {allowed} h untold",
            )

    if contract.kind == "hour_bag":
        check_run(contract.session_ids, contract.hours_included, contract.name)
    elif contract.kind == "monthly":
        for period in contract.period_ids:
            check_run(period.session_ids, period.hours_allowed, period.display_name)
    notes = contract.message_ids.filtered(
        lambda m: (
            "beyond the hours left" in (m.body or "")
            or "más allá de las horas" in (m.body or "")
        )
    )
    beyond = contract.session_ids.filtered("exceeds_balance")
    case.assertGreaterEqual(len(notes), len(beyond), f"{contract.name} notes")


def check_credit_remaining(case, credit, today):
    """A credit's remaining is its amount less its counted uses, never
    negative; no use after its expiry; its state follows (policy §5, §10).

    The ledger side (the credit notes' open balance) is checked per client by
    ``CreditBooksMixin.assertCreditsInBooks`` in the machine's invariant.
    """
    counted = credit.usage_ids.filtered(lambda u: u.state == "active")
    currency = credit.currency_id
    case.assertEqual(
        currency.compare_amounts(
            credit.amount_remaining, credit.amount - sum(counted.mapped("amount"))
        ),
        0,
        f"{credit.name}: remaining against its uses",
    )
    case.assertGreaterEqual(
        currency.compare_amounts(credit.amount_remaining, 0.0), 0, credit.name
    )
    for usage in counted:
        if credit.date_expiry:
            case.assertLessEqual(usage.date, credit.date_expiry, "used after expiry")
        case.assertGreaterEqual(usage.date, credit.date_issue, "used before issue")
        if usage.sale_line_id:
            case.assertEqual(
                currency.compare_amounts(-usage.sale_line_id.price_total, usage.amount),
                0,
                f"{credit.name}: the order line says what the use took",
            )
    if currency.is_zero(credit.amount_remaining):
        case.assertEqual(credit.state, "used", credit.name)
    elif credit.state == "expired":
        case.assertLess(credit.date_expiry, today, f"{credit.name} expired early")
    else:
        case.assertEqual(credit.state, "available", credit.name)


def check_mail_once(case, messages, classify=None):
    """Every email once: no thread gets the same email twice, and no message
    emails a partner twice.

    :param classify: ``classify(message)`` names the emails that may come
        again for a new event of the same thread, or ``None``: a hold
        (``"hold"``) and its resume (``"resume"``), which alternate, each
        told once; a balance warning (``"low"``, ``"exhausted"``), again
        after hours came back (counted by :func:`check_balance_alerts`)
    :return: ``{(model, res_id): [kind, ...]}`` of those emails, in order
    """
    seen, sequences = set(), {}
    for message in messages.sorted("id"):
        if message.message_type != "comment" or not message.partner_ids:
            continue
        emailed = message.notification_ids.filtered(
            lambda n: n.notification_type == "email"
        ).mapped("res_partner_id")
        case.assertEqual(
            len(emailed.ids),
            len(set(emailed.ids)),
            f"{message.subject}: a partner emailed twice",
        )
        thread = (message.model, message.res_id)
        kind = classify and classify(message)
        if kind:
            sequences.setdefault(thread, []).append(kind)
            continue
        key = (thread, message.subject, str(message.body))
        case.assertNotIn(key, seen, f"the same email twice: {message.subject}")
        seen.add(key)
    for thread, kinds in sequences.items():
        holds = [kind for kind in kinds if kind in ("hold", "resume")]
        for before, after in zip(holds, holds[1:], strict=False):
            case.assertNotEqual(before, after, f"{thread}: {after} told twice")
        if holds:
            case.assertEqual(holds[0], "hold", f"{thread}: resumed, never held")
    return sequences


def check_balance_alerts(case, contract, kinds, crossings):
    """Each balance warning once per crossing: no more "low" or "run out"
    emails than times the balance went down to that level (hours given back
    by a correction re-arm the warning)."""
    for level in ("low", "exhausted"):
        case.assertLessEqual(
            kinds.count(level),
            crossings.get((contract.id, level), 0),
            f"{contract.name}: the {level} balance told more than once",
        )


def check_cancellation_adds_up(case, cancellation):
    """A cancellation's refund + credit + work done equal what was paid, or
    the work beyond it is invoiced or stays due (support §8, §10; agency
    §3, §4); its documents say the same."""
    currency = cancellation.currency_id
    contract = cancellation.contract_id

    def same(first, second, what):
        case.assertEqual(
            currency.compare_amounts(first, second),
            0,
            f"{cancellation.name} ({contract.kind}): {what}: {first} != {second}",
        )

    paid = cancellation.amount_paid
    work = cancellation.work_done_amount
    refundable = cancellation.refundable_amount
    extra = cancellation.extra_invoice_amount
    for amount in (paid, work, refundable, extra, cancellation.refund_amount):
        case.assertGreaterEqual(currency.compare_amounts(amount, 0.0), 0)
    if contract.kind == "project":
        kept = paid - refundable
        if refundable:
            same(kept, max(work, contract.amount_deposit), "kept")
        same(refundable + max(work, kept) - extra, paid, "refundable + work - extra")
    elif contract.kind == "monthly":
        same(refundable + min(work, paid), paid, "refundable + work (cycle)")
        if cancellation.phase == "started" and cancellation.invoice_reversal_amount:
            period = contract._period_for(cancellation.request_date)
            same(
                cancellation.invoice_reversal_amount + max(work, paid),
                period.fee_amount,
                "reversal + work or paid = the cycle's fee",
            )
    else:
        same(refundable + work, paid, "refundable + work done")
        same(paid, contract.amount_paid, "paid")
        if contract.kind == "hour_bag" and cancellation.phase == "started":
            used, _first = contract._get_net_use(cancellation.request_date)
            same(
                work,
                min(
                    currency.round(used * paid / contract.hours_included),
                    paid,
                ),
                "work done = hours used x rate",
            )
    if cancellation.state == "done":
        given = cancellation.refund_amount + cancellation.credit_amount
        same(given, refundable if cancellation.decision != "none" else 0, "given")
        if cancellation.client_preference == "credit":
            case.assertNotEqual(cancellation.decision, "refund", "asked a credit")
        if cancellation.decision == "refund":
            same(cancellation.refund_move_id.amount_total, refundable, "refund doc")
        if cancellation.decision == "credit":
            same(cancellation.credit_id.amount, refundable, "credit issued")
    else:
        case.assertFalse(cancellation.refund_move_id, "refunded before decided")
        case.assertFalse(cancellation.credit_id, "credited before decided")
    if extra:
        same(cancellation.extra_move_id.amount_total, extra, "extra invoice")
