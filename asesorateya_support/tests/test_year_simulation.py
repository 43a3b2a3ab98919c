# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A year in simulation (issue 17): Hypothesis drives a consultancy through
random sequences of what happens in a year, and after every step checks what
the policies and the books promise.

Each example runs inside a savepoint of the test's transaction, rolled back
at its end, on a simulated "today" (freezegun) that only moves forward. The
machine calls what the backend, the wizards, the shop and the scheduled
actions call; a refusal (``UserError``/``ValidationError``) is rolled back to
a savepoint as Odoo's RPC layer rolls back a refused request, and must leave
every invariant true.

Bound (CI): :data:`SIMULATION_SETTINGS`, 25 examples of up to 50 steps, a
fixed seed (``derandomize``) and no example database, so every run tries the
same sequences; about 3 minutes on a busy 2-core machine.
"""

import logging
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import float_compare

from ..policy.consumption import hours_consumed
from .common import SupportCommon

#: Examples, steps and what Hypothesis may spend: the CI bound (module doc).
SIMULATION_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=(
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ),
    print_blob=True,
)

_logger = logging.getLogger(__name__)

FIRST_DAY = date(2026, 1, 5)
REFUSALS = (UserError, ValidationError, AccessError)
LOGGABLE = ("confirmed", "active", "exhausted")
SESSION_KINDS = ("diagnosis", "incident", "hour_bag", "monthly")
CANCELLABLE = ("confirmed", "active", "paused", "waiting", "exhausted", "done")
HOURS = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 4.0])


# ----------------------------------------------------------------------
# Invariants: small functions, each one promise, so that one can be
# tightened alone (e.g. a credit's remaining against the accounting ledger
# once credits are accounting documents).
# ----------------------------------------------------------------------
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

    Today the uses are the ledger; once a credit is an accounting document,
    compare ``amount_remaining`` with its open residual here as well.
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


# ----------------------------------------------------------------------
# The machine
# ----------------------------------------------------------------------
class YearMachine(RuleBasedStateMachine):
    """A company's year: purchases of each kind, logs and corrections,
    pauses, cycles paid or not, crons on random days, cancellations with each
    preference, credits spent and expired, policy versions changed."""

    case = None  # the TestCase, set by the test before running
    tally = None  # a Counter of the actions done and refused, over the run

    def __init__(self):
        super().__init__()
        case = self.case
        self.env = case.env
        self.today = FIRST_DAY
        self.counter = 0
        self.versions = {}  # contract id: its policy version id, first seen
        self.terms = {}  # version id: its terms once it governs a contract
        self.levels = {}  # (contract id, cycle id): balance level last seen
        self.crossings = Counter()  # (contract id, level): times reached
        self.started = time.monotonic()
        # One frozen clock per example, moved forward with the days (starting
        # freezegun scans every loaded module: too slow to do at each step).
        # Hypothesis keeps the real clock.
        self.freezer = freeze_time(f"{self.today} 12:00:00", ignore=["hypothesis"])
        self.clock = self.freezer.start()
        self.savepoint = self.env.cr.savepoint()

    def teardown(self):
        self.savepoint.close(rollback=True)
        self.env.invalidate_all()
        self.freezer.stop()
        _logger.info(
            "Year simulation: one example, %s actions up to %s, %.1f s",
            self.counter,
            self.today,
            time.monotonic() - self.started,
        )

    # -- helpers ---------------------------------------------------------
    @contextmanager
    def _now(self):
        """The simulated today, at noon (UTC), while the block runs."""
        self.clock.move_to(f"{self.today} 12:00:00")
        yield

    def _attempt(self, label, action):
        """Run ``action`` as one request: a refusal rolls back what it did."""
        self.counter += 1
        with self._now():
            try:
                with self.env.cr.savepoint():
                    result = action()
            except REFUSALS:
                self.tally[f"refused: {label}"] += 1
                event(f"refused: {label}")
                return None
        self.tally[f"done: {label}"] += 1
        event(f"done: {label}")
        return result

    def _text(self, what):
        """A text unique to this step (reasons, notes), as a person writes."""
        return f"{what} #{self.counter}"

    def _contracts(self, states=None, kinds=None):
        domain = [("company_id", "=", self.case.company.id)]
        if states:
            domain.append(("state", "in", list(states)))
        if kinds:
            domain.append(("kind", "in", list(kinds)))
        return self.env["support.contract"].search(domain, order="id")

    def _pick(self, data, records):
        return data.draw(st.sampled_from(records), label=records._name)

    # -- purchases ---------------------------------------------------------
    @rule(
        kind=st.sampled_from(
            ["diagnosis", "incident", "hour_bag", "monthly", "project"]
        ),
        client=st.sampled_from(["a", "b"]),
        use_credit=st.booleans(),
        progress=st.sampled_from([0, 10, 30, 50]),
    )
    def buy(self, kind, client, use_credit, progress):
        """A sale order of a plan, its scope validated, credits applied if
        asked, confirmed (a retainer also started: its first cycle); or an
        agency project, half paid as its deposit, started."""
        case = self.case
        if kind == "project":
            self._attempt("buy project", lambda: self._create_project(progress))
            return
        plan = {
            "diagnosis": case.plan_diagnosis,
            "incident": case.plan_incident,
            "hour_bag": case.plan_bag,
            "monthly": case.plan_monthly,
        }[kind]
        partner = case.contact_a if client == "a" else case.contact_b

        def sell():
            order = case._create_order(plan, partner, scope=self._text("Scope"))
            if use_credit and order.support_credit_count:
                order.with_user(case.user_salesman).action_apply_support_credits()
            order.action_confirm()
            contracts = order.with_env(self.env).support_contract_ids
            if kind == "monthly":
                contracts.action_start(self.today)
            return contracts

        self._attempt(f"buy {kind}", sell)

    def _create_project(self, progress):
        """An agency project as the backend form makes it, started, its
        design already ``progress`` % done."""
        case = self.case
        project = self.env["support.contract"].create(
            {
                "partner_id": case.client_a.id,
                "plan_id": case.plan_project.id,
                "date_purchase": self.today,
                "amount_total": 2000000,
                "amount_paid": 1000000,
                "state": "confirmed",
                "project_item_ids": [
                    Command.create({"name": "Design", "weight": 40}),
                    Command.create({"name": "Build", "weight": 60}),
                ],
            }
        )
        project.action_start(self.today)
        project.project_item_ids[0].progress = progress
        return project

    @precondition(lambda self: self._contracts(["active"], ["project"]))
    @rule(data=st.data(), step=st.sampled_from([10, 20, 30]))
    def progress_project(self, data, step):
        projects = self._contracts(["active"], ["project"])
        if not projects:
            return
        item = self._pick(data, self._pick(data, projects).project_item_ids)
        self._attempt(
            "project progress",
            lambda: item.write({"progress": min(item.progress + step, 100)}),
        )

    # -- logs --------------------------------------------------------------
    @precondition(lambda self: self._contracts(LOGGABLE, SESSION_KINDS))
    @rule(data=st.data(), duration=HOURS, told=st.booleans(), back=st.integers(0, 3))
    def log(self, data, duration, told, back):
        """A consultant logs a session, maybe of a few days ago, maybe
        beyond the balance with the client told beforehand."""
        contracts = self._contracts(LOGGABLE, SESSION_KINDS)
        if not contracts:
            return
        contract = self._pick(data, contracts)
        values = {}
        if told:
            values = {
                "client_informed": True,
                "client_informed_note": self._text("Told by phone"),
            }
        day = max(self.today - timedelta(days=back), contract.date_purchase)
        self._attempt(
            f"log {contract.kind}",
            lambda: self.case._log(
                contract, duration, date=day, activity=self._text("Work"), **values
            ),
        )

    @precondition(lambda self: self._contracts().session_ids)
    @rule(data=st.data(), duration=st.sampled_from([0.0, 0.5, 1.0, 2.5, 5.0]))
    def correct(self, data, duration):
        """A consultant corrects a log's time, with a reason (a new log)."""
        sessions = self.env["support.session"].search(
            [
                ("contract_id.company_id", "=", self.case.company.id),
                ("correction_of_id", "=", False),
            ],
            order="id",
        )
        if not sessions:
            return
        session = self._pick(data, sessions)
        self._attempt(
            "correct",
            lambda: session.with_user(self.case.user_consultant).action_correct(
                duration, self._text("Wrong time")
            ),
        )

    # -- holds and cycles ----------------------------------------------------
    @precondition(lambda self: self._contracts(["active"]))
    @rule(data=st.data())
    def pause(self, data):
        contracts = self._contracts(["active"])
        if contracts:
            contract = self._pick(data, contracts)
            self._attempt(
                "pause",
                lambda: contract.with_user(self.case.user_consultant).action_pause(
                    self._text("Waiting for the client's data")
                ),
            )

    @precondition(lambda self: self._contracts(["paused", "waiting"]))
    @rule(data=st.data())
    def resume(self, data):
        contracts = self._contracts(["paused", "waiting"])
        if contracts:
            contract = self._pick(data, contracts)
            self._attempt(
                "resume",
                contract.with_user(self.case.user_consultant).action_resume,
            )

    @precondition(lambda self: self._contracts(kinds=["monthly"]))
    @rule(data=st.data())
    def pay_cycle(self, data):
        """The client pays a retainer cycle's invoice (the payment wizard)."""
        invoices = (
            self.env["support.contract.period"]
            .search(
                [
                    ("contract_id.company_id", "=", self.case.company.id),
                    ("invoice_id.state", "=", "posted"),
                    ("invoice_id.payment_state", "=", "not_paid"),
                ],
                order="id",
            )
            .invoice_id
        )
        if not invoices:
            return
        invoice = self._pick(data, invoices)
        self._attempt(
            "pay cycle",
            lambda: (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"payment_date": self.today})
                ._create_payments()
            ),
        )

    @rule(
        days=st.integers(1, 60),
        crons=st.sets(
            st.sampled_from(
                [
                    "ir_cron_roll_periods",
                    "ir_cron_pause_unpaid",
                    "ir_cron_expire_bags",
                    "ir_cron_expire_credits",
                    "ir_cron_send_close_mails",
                    "ir_cron_send_session_summaries",
                ]
            ),
            max_size=6,
        ),
    )
    def days_pass(self, days, crons):
        """Time goes by; the scheduled actions run on the day (some may not
        have run for a while, as when the server was down)."""
        self.today += timedelta(days=days)
        for name in sorted(crons):
            cron = self.env.ref(f"asesorateya_support.{name}")
            self._attempt(name, cron.method_direct_trigger)

    # -- cancellations and credits ----------------------------------------
    @precondition(lambda self: self._contracts(CANCELLABLE))
    @rule(data=st.data(), preference=st.sampled_from(["policy", "credit", "refund"]))
    def cancel(self, data, preference):
        """The client cancels, today, asking for the policy's outcome, a
        credit or a refund; the consultant records it."""
        contracts = self._contracts(CANCELLABLE)
        if not contracts:
            return
        contract = self._pick(data, contracts)
        user = self.case.user_consultant
        if contract.kind == "project":
            user = self.case.user_manager
        self._attempt(
            f"cancel {contract.kind} ({preference})",
            lambda: contract.with_user(user).action_cancel_by_policy(
                self.today, preference, self._text("Changed plans")
            ),
        )

    @precondition(
        lambda self: self.env["support.cancellation"].search_count(
            [("state", "=", "to_approve")]
        )
    )
    @rule(data=st.data(), refund=st.booleans())
    def decide(self, data, refund):
        """A manager decides a refund the policy does not grant by itself."""
        pending = self.env["support.cancellation"].search(
            [("state", "=", "to_approve")], order="id"
        )
        if not pending:
            return
        cancellation = self._pick(data, pending).with_user(self.case.user_manager)
        action = (
            cancellation.action_approve_refund
            if refund
            else cancellation.action_grant_credit
        )
        self._attempt("decide", lambda: action(self._text("Decided")))

    @precondition(
        lambda self: self._contracts(["active", "done"], ["diagnosis", "incident"])
    )
    @rule(data=st.data())
    def convert(self, data):
        """A diagnosis or incident larger than its scope becomes a credit (§5)."""
        contracts = self._contracts(["active", "done"], ["diagnosis", "incident"])
        if contracts:
            contract = self._pick(data, contracts)
            self._attempt(
                "convert",
                lambda: contract.with_user(
                    self.case.user_consultant
                ).action_convert_to_credit(self._text("Larger than the scope")),
            )

    @rule(
        started=st.sampled_from(["refund", "credit", "review"]),
        before=st.sampled_from(["refund", "credit", "review"]),
        months=st.integers(1, 12),
        approval=st.booleans(),
        withdrawal=st.sampled_from([0, 10]),
    )
    def change_policy(self, started, before, months, approval, withdrawal):
        """The consultancy changes its terms from today (Settings): a new
        version; contracts keep theirs (agency §8.1)."""
        terms = {
            "started_outcome": started,
            "before_start_outcome": before,
            "credit_validity_months": months,
            "refund_needs_approval": approval,
            "withdrawal_days": withdrawal,
        }
        self._attempt("policy", lambda: self.case.policy._set_terms(terms))

    # -- invariants ----------------------------------------------------------
    @invariant()
    def hours_match_logs(self):
        with self._now():
            for contract in self._contracts():
                check_hours_match_logs(self.case, contract)

    @invariant()
    def balance_never_below_zero_untold(self):
        with self._now():
            for contract in self._contracts(kinds=["hour_bag", "monthly"]):
                check_balance_never_below_zero_untold(self.case, contract)

    @invariant()
    def credits_consistent(self):
        with self._now():
            credits = self.env["support.credit"].search(
                [("company_id", "=", self.case.company.id)]
            )
            for credit in credits:
                check_credit_remaining(self.case, credit, self.today)

    @invariant()
    def every_email_once(self):
        contracts = self._contracts()
        credits = self.env["support.credit"].search(
            [("company_id", "=", self.case.company.id)]
        )
        threads = [
            ("support.contract", contracts.ids),
            ("support.session", contracts.session_ids.ids),
            ("support.credit", credits.ids),
        ]
        domain = ["|"] * (len(threads) - 1)
        for model, ids in threads:
            domain += ["&", ("model", "=", model), ("res_id", "in", ids)]
        held = contracts.filtered("message_ids")
        prefixes = {}  # contract id: [(subject prefix, kind)]
        for kind, xmlid in (
            ("hold", "mail_template_contract_hold"),
            ("resume", "mail_template_contract_resume"),
            ("low", "mail_template_low_balance"),
            ("exhausted", "mail_template_hours_exhausted"),
        ):
            template = self.env.ref(f"asesorateya_support.{xmlid}")
            subjects = template._render_field("subject", held.ids) if held else {}
            for contract in held:
                # The low warning's subject ends with the hours left: its
                # part up to the contract's name names it.
                subject = subjects[contract.id]
                if kind == "low":
                    subject = subject[
                        : subject.index(contract.name) + len(contract.name)
                    ]
                prefixes.setdefault(contract.id, []).append((subject, kind))

        def classify(message):
            if message.model != "support.contract":
                return None
            for subject, kind in prefixes.get(message.res_id, []):
                if (message.subject or "").startswith(subject):
                    return kind
            return None

        with self._now():
            self._observe_balance_levels(contracts)
        sequences = check_mail_once(
            self.case, self.env["mail.message"].search(domain), classify
        )
        for contract in contracts:
            kinds = sequences.get(("support.contract", contract.id), [])
            check_balance_alerts(self.case, contract, kinds, self.crossings)

    def _observe_balance_levels(self, contracts):
        """Count the times each balance went down to ``low`` or ``exhausted``
        (a retainer's every cycle starts anew), as seen after each step."""
        rank = ("none", "low", "exhausted").index
        for contract in contracts.filtered(lambda c: c.kind in ("hour_bag", "monthly")):
            key = (contract.id, contract.current_period_id.id)
            level = contract._get_balance_level()
            if rank(level) > rank(self.levels.get(key, "none")):
                self.crossings[(contract.id, level)] += 1
            self.levels[key] = level

    @invariant()
    def cancellations_add_up(self):
        with self._now():
            cancellations = self.env["support.cancellation"].search(
                [("company_id", "=", self.case.company.id)]
            )
            for cancellation in cancellations:
                check_cancellation_adds_up(self.case, cancellation)

    @invariant()
    def contracts_keep_their_version(self):
        """A contract keeps the policy version in force when it was bought,
        and a version that governs contracts keeps its terms (agency §8.1)."""
        for contract in self._contracts():
            version = contract.policy_version_id
            self.case.assertTrue(version, f"{contract.name}: no policy version")
            known = self.versions.setdefault(contract.id, version.id)
            self.case.assertEqual(version.id, known, f"{contract.name} changed version")
            self.case.assertLessEqual(version.date_from, contract.date_purchase)
            terms = version._terms_for_quote()
            self.case.assertEqual(terms, self.terms.setdefault(version.id, terms))


@tagged("post_install", "-at_install", "year_simulation")
class TestYearSimulation(SupportCommon):
    """Random years of a consultancy, every invariant after every step."""

    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["support.policy"].create(
            {"name": "Simulated policy", "company_id": cls.company.id}
        )
        cls.env["support.policy.version"].create(
            {"policy_id": cls.policy.id, "date_from": "2025-01-01"}
        )
        cls.company.support_policy_id = cls.policy
        cls.plan_project = cls._create_plan(
            "Web project",
            "project",
            2000000,
            policy_id=cls.env.ref("asesorateya_support.support_policy_agency").id,
        )

    def test_random_years(self):
        tally = Counter()
        machine = type("TestYear", (YearMachine,), {"case": self, "tally": tally})
        started = time.monotonic()
        try:
            run_state_machine_as_test(machine, settings=SIMULATION_SETTINGS)
        finally:
            _logger.info(
                "Year simulation: %.0f s; actions: %s",
                time.monotonic() - started,
                ", ".join(f"{label} {count}" for label, count in sorted(tally.items())),
            )

    # ------------------------------------------------------------------
    # Regressions: sequences the machine found, kept as plain tests
    # ------------------------------------------------------------------
    def test_version_used_in_the_same_transaction_keeps_its_terms(self):
        """Found by the machine: terms changed, a sale, terms changed again,
        in one transaction. The version's "used" flag was cached from before
        the sale, so the second change rewrote the terms the client had just
        accepted instead of making a new version (agency §8.1)."""
        with freeze_time(f"{FIRST_DAY} 12:00:00"):
            first = self.policy._set_terms({"credit_validity_months": 2})
            self.assertFalse(first.is_used)
            contract = self._sell(self.plan_diagnosis, self.contact_a)
            self.assertEqual(contract.policy_version_id, first)
            self.assertTrue(first.is_used)
            second = self.policy._set_terms({"credit_validity_months": 1})
        self.assertNotEqual(second, first)
        self.assertEqual(first.credit_validity_months, 2, "the accepted terms")
        self.assertEqual(second.credit_validity_months, 1)
        with self.assertRaisesText(UserError, "make a new version"):
            first.credit_validity_months = 3

    def test_retainer_cancelled_before_the_cron_opened_its_next_cycle(self):
        """Found by the machine: a retainer whose cycle ended while the
        cycle cron did not run (a server down at the turn of the month) has
        no cycle covering the request day; its quote and its cancellation
        crashed ("Expected singleton") instead of giving the policy's answer:
        the paid cycle is over, nothing of a cycle to give back (§8, §10)."""
        with freeze_time(f"{FIRST_DAY} 12:00:00"):
            contract = self._sell(self.plan_monthly, self.contact_a)
            contract.action_start(FIRST_DAY)
        day = FIRST_DAY + timedelta(days=54)
        with freeze_time(f"{day} 12:00:00"):
            self.assertFalse(contract._period_for(day), "no cycle covers the day")
            quote = contract.cancellation_quote()
            self.assertEqual(
                [quote[key] for key in ("amount_paid", "refundable_amount")],
                [0.0, 0.0],
            )
            self.assertEqual(quote["invoice_reversal_amount"], 0.0)
            cancellation = contract.with_user(
                self.user_consultant
            ).action_cancel_by_policy(day, "credit", "Changed plans")
        self.assertEqual((cancellation.state, cancellation.decision), ("done", "none"))
        self.assertEqual(contract.state, "cancelled")
