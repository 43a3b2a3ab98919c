# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The state machine of the year simulation (``test_year_simulation``): a
company's year, one rule per thing that happens in it, and the invariants
(:mod:`.year_invariants`) checked after every step."""

import logging
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytz
from freezegun import freeze_time
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .year_invariants import (
    check_balance_alerts,
    check_balance_never_below_zero_untold,
    check_cancellation_adds_up,
    check_credit_remaining,
    check_hours_match_logs,
    check_mail_once,
)

_logger = logging.getLogger(__name__)

FIRST_DAY = date(2026, 1, 5)
#: The simulated year ends here: days stop passing after it.
LAST_DAY = FIRST_DAY + timedelta(days=365)
REFUSALS = (UserError, ValidationError, AccessError)
LOGGABLE = ("confirmed", "active", "exhausted")
SESSION_KINDS = ("diagnosis", "incident", "hour_bag", "monthly")
CANCELLABLE = ("confirmed", "active", "paused", "waiting", "exhausted", "done")
#: Terms change a few times a year, not at every step: the rule without a
#: record to choose would otherwise take most of the steps.
MAX_POLICY_CHANGES = 3
HOURS = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 4.0])


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
        self.policy_changes = 0
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

    def _bookings(self, order="id"):
        """The company's booked sessions (not the demo company's)."""
        return self.env["support.booking"].search(
            [
                ("contract_id.company_id", "=", self.case.company.id),
                ("state", "=", "booked"),
            ],
            order=order,
        )

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

    # -- bookings -----------------------------------------------------------
    @precondition(lambda self: self._contracts(LOGGABLE, SESSION_KINDS))
    @rule(data=st.data(), days=st.integers(1, 10))
    def book(self, data, days):
        """The client books one of the free times the booking page offers."""
        contract = self._pick(data, self._contracts(LOGGABLE, SESSION_KINDS))
        with self._now():
            start = datetime.now(pytz.utc) + timedelta(days=days)
            slots = sorted(
                contract._get_booking_slots(start, start + timedelta(days=2))
            )
        if not slots:
            return
        slot = data.draw(st.sampled_from(slots), label="slot")
        self._attempt(
            f"book {contract.kind}",
            lambda: contract.action_book(
                slot.astimezone(pytz.utc).replace(tzinfo=None)
            ),
        )

    @precondition(lambda self: self._bookings())
    @rule(data=st.data())
    def settle_booking(self, data):
        """A booked session whose time came is recorded missed (it counts as
        held, policy "No-show"); one still to come is cancelled by the
        consultant, with a reason."""
        booking = self._pick(data, self._bookings())
        with self._now():
            came = booking.start <= datetime.now()
        booking = booking.with_user(self.case.user_consultant)
        if came:
            self._attempt("no-show", booking.action_mark_no_show)
        else:
            self._attempt(
                "cancel booking",
                lambda: booking.action_cancel(self._text("Client asked")),
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

    @precondition(lambda self: self.today < LAST_DAY)
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
        self.today = min(self.today + timedelta(days=days), LAST_DAY)
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
            [("company_id", "=", self.case.company.id), ("state", "=", "to_approve")]
        )
    )
    @rule(data=st.data(), refund=st.booleans())
    def decide(self, data, refund):
        """A manager decides a refund the policy does not grant by itself."""
        pending = self.env["support.cancellation"].search(
            [("company_id", "=", self.case.company.id), ("state", "=", "to_approve")],
            order="id",
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

    @precondition(lambda self: self.policy_changes < MAX_POLICY_CHANGES)
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
        self.policy_changes += 1
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
            # Credits in the books (README "Books"): what each client's
            # credits still owe it equals the open balance of their credit
            # notes, whatever happened before (uses, releases, expiries).
            for partner in credits.partner_id:
                self.case.assertCreditsInBooks(partner)

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
    def no_time_booked_twice(self):
        """No consultant is booked twice at the same time."""
        bookings = self._bookings(order="consultant_id, start")
        for before, after in zip(bookings, bookings[1:], strict=False):
            if before.consultant_id == after.consultant_id:
                self.case.assertLessEqual(
                    before.stop, after.start, f"{after.display_name} overlaps"
                )

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
