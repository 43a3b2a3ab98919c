# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad input through every door: the backend (ORM and forms), the portal's
forms and JSON-RPC. Each bad value is refused with a clear message and
changes nothing; text with HTML that is accepted is shown escaped, on the
portal and in the emails.

The cases are tables: the README counts them, and each test logs how many it
checked.
"""

import json
import logging
from datetime import timedelta

import pytz

from odoo import Command, fields
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.res_config_settings import POLICY_SETTINGS
from ..policy import epoch
from .common_portal import SupportPortalCommon

_logger = logging.getLogger(__name__)

#: One megabyte of text.
HUGE = "x" * (1024 * 1024)
#: A text with a NUL character, as a pasted binary brings.
NUL = "My priorities\x00of the month"
#: Script and markup a client or a consultant may type.
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
XSS_RAW = ("<script>alert(1)", "<img src=x")
REASONS = "The stock report still shows the wrong warehouse, since Monday."
NAN = float("nan")
INF = float("inf")


def yesterday(test):
    return fields.Date.context_today(test.bag_a) - timedelta(days=1)


def _slot(moment):
    return str(epoch(pytz.utc.localize(moment)))


def taken_slot(test):
    """The time client A's session holds: the consultant is not free."""
    return _slot(test.booking_a.start)


def unaligned_slot(test):
    """Seven minutes past a free time: off the slots' grid."""
    return _slot(test.booking_a.start + timedelta(days=1, minutes=7))


def taken_start(test):
    return fields.Datetime.to_string(test.booking_a.start)


def portal_consultant(test):
    return [Command.set(test.user_portal_a.ids)]


def other_employee(test):
    return test.employee_manager.id


#: The refusal of a change to a session log's timesheet line.
LOCKED_LINE = "change only from the log"


#: (what, field, bad value, exception, words of the message). ``what`` is a
#: model and a method run as the consultant (the manager for plans and
#: credits, the salesman for sales), or ``Form`` for the backend form view.
#: A callable value is called with the test.
BACKEND_CASES = [
    ("session.create", "duration", -1.0, ValidationError, "must be positive"),
    ("session.create", "duration", 0.0, ValidationError, "must be positive"),
    ("session.create", "duration", 1e9, ValidationError, "at most 24 hours"),
    ("session.create", "duration", "abc", ValidationError, "must be a number"),
    ("session.create", "duration", NAN, ValidationError, "must be a number"),
    ("session.create", "duration", INF, ValidationError, "must be a number"),
    ("session.create", "duration", [1], ValidationError, "must be a number"),
    ("session.create", "date", "1900-01-01", ValidationError, "was bought"),
    ("session.create", "date", "2999-01-01", ValidationError, "in the future"),
    ("session.create", "date", yesterday, ValidationError, "was bought"),
    ("session.create", "date", "abc", ValidationError, "YYYY-MM-DD"),
    ("session.create", "date", "2026-02-30", ValidationError, "YYYY-MM-DD"),
    ("session.create", "date", 20260101, ValidationError, "YYYY-MM-DD"),
    ("session.create", "objective", HUGE, ValidationError, "too long"),
    ("session.create", "next_steps", HUGE, ValidationError, "too long"),
    ("session.create", "activity", 123, ValidationError, "must be text"),
    ("session.create", "contract_id", "abc", ValidationError, "id of an existing"),
    ("session.create", "contract_id", {"id": 1}, ValidationError, "id of an"),
    ("session.create", "contract_id", 999999999, MissingError, "does not exist"),
    ("session.create", "partner_id", "abc", ValidationError, "id of an existing"),
    ("session.write", "objective", HUGE, ValidationError, "too long"),
    ("session.write", "duration", 5.0, UserError, "Record a correction"),
    ("session.action_correct", "duration", -1.0, UserError, "cannot be negative"),
    ("session.action_correct", "duration", "abc", ValidationError, "a number"),
    ("session.action_correct", "duration", NAN, ValidationError, "a number"),
    ("session.action_correct", "reason", " ", UserError, "needs a reason"),
    ("session.action_correct", "reason", HUGE, ValidationError, "too long"),
    ("Form", "duration", -1.0, ValidationError, "must be positive"),
    ("Form", "duration", 25.0, ValidationError, "at most 24 hours"),
    ("Form", "date", "2999-01-01", ValidationError, "in the future"),
    ("Form", "date", "1900-01-01", ValidationError, "was bought"),
    ("Form", "objective", HUGE, ValidationError, "too long"),
    ("contract.create", "amount_paid", -1.0, ValidationError, "cannot be negative"),
    ("contract.create", "amount_total", -1.0, ValidationError, "cannot be neg"),
    ("contract.create", "hours_included", -5.0, ValidationError, "some hours"),
    ("contract.create", "hours_included", NAN, ValidationError, "a number"),
    ("contract.create", "scope", HUGE, ValidationError, "too long"),
    ("contract.write", "hours_included", -1.0, ValidationError, "some hours"),
    ("contract.write", "amount_paid", "abc", ValidationError, "a number"),
    ("plan.create", "hours_included", -5.0, ValidationError, "must be positive"),
    ("plan.write", "session_length", 0.0, ValidationError, "more than 0"),
    ("plan.write", "meetings_per_month", -1, ValidationError, "cannot be negative"),
    ("plan.write", "meetings_per_month", 10**12, ValidationError, "far too large"),
    ("plan.write", "hours_included", NAN, ValidationError, "a number"),
    ("plan.create", "list_price", -100.0, ValidationError, "cannot be negative"),
    ("sale.confirm", "price_unit", -100.0, ValidationError, "cannot be negative"),
    ("credit.create", "amount", -100.0, AccessError, "not allowed"),
    ("credit.write", "amount", -100.0, UserError, "never changed"),
    ("contract.cancellation_quote", "request_date", "2999-01-01", UserError, "future"),
    ("contract.cancellation_quote", "request_date", "1900-01-01", UserError, "prec"),
    ("contract.cancellation_quote", "request_date", "abc", ValidationError, "YYYY"),
    ("contract.action_cancel_by_policy", "preference", "all", UserError, "Choose"),
    ("contract.action_cancel_by_policy", "reason", HUGE, ValidationError, "too long"),
    ("Form cancel", "request_date", "2999-01-01", UserError, "in the future"),
    ("Form cancel", "request_date", "1900-01-01", UserError, "cannot precede"),
    ("claim.create", "contract_date", "2999-01-01", ValidationError, "after the cl"),
    ("claim.create", "date_received", "2999-01-01", ValidationError, "future"),
    ("claim.create", "contract_date", "abc", ValidationError, "YYYY-MM-DD"),
    ("claim.create", "reasons", HUGE, ValidationError, "too long"),
    ("claim.create", "reasons", "Too short", ValidationError, "at least 30"),
    ("claim.create", "document_reference", "S" * 300, ValidationError, "too long"),
    ("claim.create", "contract_id", "abc", ValidationError, "id of an existing"),
    ("booking.create", "start", "abc", ValidationError, "YYYY-MM-DD HH:MM:SS"),
    ("booking.create", "start", 20300101, ValidationError, "YYYY-MM-DD HH:MM:SS"),
    ("booking.create", "start", "2026-02-30 10:00:00", ValidationError, "YYYY-MM"),
    ("booking.create", "start", "2020-01-01 10:00:00", ValidationError, "has passed"),
    ("booking.create", "start", taken_start, UserError, "a moment ago"),
    ("booking.create", "contract_id", "abc", ValidationError, "id of an existing"),
    ("booking.create", "contract_id", 999999999, ValidationError, "existing contract"),
    ("booking.create", "consultant_id", [1], ValidationError, "id of an existing"),
    ("booking.create", "duration", NAN, ValidationError, "must be a number"),
    ("booking.create", "duration", 30.0, ValidationError, "at most 24 hours"),
    ("booking.create", "duration", -1.0, ValidationError, "more than 0"),
    ("booking.write", "start", "2030-01-01 10:00:00", UserError, "with its buttons"),
    ("booking.write", "state", "done", UserError, "with its buttons"),
    ("booking.action_reschedule", "reason", " ", UserError, "Say why"),
    ("booking.action_reschedule", "reason", HUGE, ValidationError, "too long"),
    ("booking.action_reschedule", "start", "abc", ValidationError, "YYYY-MM-DD"),
    ("booking.action_reschedule", "start", "2020-01-01 10:00:00", UserError, "to come"),
    ("booking.action_reschedule", "start", taken_start, UserError, "a moment ago"),
    ("booking.action_cancel", "reason", "", UserError, "Say why"),
    ("booking.action_cancel", "reason", 42, ValidationError, "must be text"),
    ("contract.action_book", "start", "abc", ValidationError, "YYYY-MM-DD HH:MM:SS"),
    ("contract.action_book", "start", "2020-01-01 10:00:00", UserError, "hours ahead"),
    ("contract.action_book", "start", taken_start, UserError, "not free"),
    ("plan.write", "booking_consultant_ids", portal_consultant, ValidationError, "own"),
    # The timesheet line of a session log, edited in the Timesheets app (the
    # ORM as the consultant, a timesheet user): its time changes only by a
    # correction log of the session.
    ("timesheet.write", "unit_amount", 5.0, UserError, LOCKED_LINE),
    ("timesheet.write", "unit_amount", -1.0, UserError, LOCKED_LINE),
    ("timesheet.write", "unit_amount", 0.0, UserError, LOCKED_LINE),
    ("timesheet.write", "unit_amount", NAN, UserError, LOCKED_LINE),
    ("timesheet.write", "unit_amount", 1e9, UserError, LOCKED_LINE),
    ("timesheet.write", "date", "2999-01-01", UserError, LOCKED_LINE),
    ("timesheet.write", "date", "1900-01-01", UserError, LOCKED_LINE),
    ("timesheet.write", "name", HUGE, UserError, LOCKED_LINE),
    ("timesheet.write", "employee_id", other_employee, UserError, LOCKED_LINE),
    ("timesheet.write", "task_id", False, UserError, LOCKED_LINE),
    ("timesheet.write", "project_id", False, UserError, LOCKED_LINE),
    ("timesheet.unlink", "id", None, UserError, "never deleted"),
    ("timesheet.create", "unit_amount", 1.0, UserError, "logged as a session"),
    ("timesheet.create", "unit_amount", -1.0, UserError, "logged as a session"),
]

#: (route, form data, outcome, words on the page). The route names a
#: contract of client A by its attribute (``{bag_a}``); ``csrf=False`` in the
#: data posts without the token. Outcomes: ``error`` (the form again, with
#: the message), ``redirect`` (to /my), ``400``, ``404``.
PORTAL_CASES = [
    ("{monthly_a}/priorities", {"priorities": HUGE}, "error", "too long"),
    ("{monthly_a}/priorities", {"priorities": "   "}, "error", "Write the priorities"),
    # A NUL character (a pasted binary) that PostgreSQL cannot store.
    ("{monthly_a}/priorities", {"priorities": NUL}, "error", "(NUL)"),
    ("{bag_a}/case", {"description": NUL}, "error", "(NUL)"),
    (
        "{bag_a}/cancel",
        {"preference": "policy", "confirm": "1", "reason": NUL},
        "error",
        "(NUL)",
    ),
    ("/my/support/claims/new", {"reasons": NUL}, "error", "(NUL)"),
    ("/my/support/claims/new", {"document_reference": NUL}, "error", "(NUL)"),
    ("{bag_a}/booking/{booking_a}/cancel", {"reason": NUL}, "error", "(NUL)"),
    ("{bag_b}/priorities", {"priorities": "Not mine"}, "redirect", "/my"),
    ("/my/support/999999999/priorities", {"priorities": "x"}, "redirect", "/my"),
    (
        "/my/support/99999999999999999999/priorities",
        {"priorities": "x"},
        "redirect",
        "/my",
    ),
    ("/my/support/abc/priorities", {"priorities": "x"}, "404", ""),
    ("{monthly_a}/priorities", {"priorities": "x", "csrf": False}, "400", ""),
    ("{bag_a}/case", {"description": HUGE}, "error", "too long"),
    ("{bag_a}/case", {"description": " "}, "error", "Describe the case"),
    ("{bag_b}/case", {"description": "Not mine"}, "redirect", "/my"),
    ("{bag_a}/case", {"description": "x", "csrf": False}, "400", ""),
    ("{bag_a}/cancel", {"preference": XSS, "confirm": "1"}, "error", "Choose one"),
    (
        "{bag_a}/cancel",
        {"preference": "policy", "confirm": "1", "reason": HUGE},
        "error",
        "too long",
    ),
    ("{bag_a}/cancel", {"preference": "policy"}, "error", "Tick the box"),
    ("{bag_b}/cancel", {"preference": "policy", "confirm": "1"}, "redirect", "/my"),
    ("{bag_a}/cancel", {"preference": "policy", "csrf": False}, "400", ""),
    ("/my/support/claims/new", {"contract_id": "{bag_b}"}, "error", "Choose one of"),
    ("/my/support/claims/new", {"contract_id": "999999999"}, "error", "Choose one"),
    ("/my/support/claims/new", {"contract_id": "abc"}, "error", "Choose one of"),
    ("/my/support/claims/new", {"contract_date": "2999-01-01"}, "error", "after"),
    ("/my/support/claims/new", {"contract_date": "abc"}, "error", "as a date"),
    (
        "/my/support/claims/new",
        {"contract_date": "abc", "reasons": f"{REASONS}\n{XSS}"},
        "error",
        "as a date",
    ),
    ("/my/support/claims/new", {"contract_date": "2026-02-30"}, "error", "as a date"),
    ("/my/support/claims/new", {"claim_type": XSS}, "error", "Choose the kind"),
    ("/my/support/claims/new", {"reasons": HUGE}, "error", "too long"),
    ("/my/support/claims/new", {"document_reference": HUGE}, "error", "too long"),
    ("/my/support/claims/new", {"reasons": REASONS, "csrf": False}, "400", ""),
    ("/shop/support_credits/apply", {"apply": "1", "csrf": False}, "400", ""),
    ("{bag_a}/booking", {"slot": "abc"}, "error", "Choose one of the free times"),
    ("{bag_a}/booking", {"slot": "-1"}, "error", "Choose one of the free times"),
    ("{bag_a}/booking", {"slot": "9" * 20}, "error", "Choose one of the free times"),
    ("{bag_a}/booking", {"slot": XSS}, "error", "Choose one of the free times"),
    ("{bag_a}/booking", {}, "error", "Choose one of the free times"),
    ("{bag_a}/booking", {"slot": "0"}, "error", "hours ahead"),
    ("{bag_a}/booking", {"slot": "32503680000"}, "error", "days ahead"),
    ("{bag_a}/booking", {"slot": taken_slot}, "error", "not free"),
    ("{bag_a}/booking", {"slot": unaligned_slot}, "error", "not free"),
    (
        "{bag_a}/booking?week=2026-02-30&tz=Mars/Phobos",
        {"slot": "abc"},
        "error",
        "Unknown time zone",
    ),
    ("{bag_a}/booking?week=abc", {"slot": "abc"}, "error", "week as a date"),
    ("{bag_b}/booking", {"slot": taken_slot}, "redirect", "/my"),
    ("{bag_b}/booking?access_token=abc", {"slot": taken_slot}, "redirect", "/my"),
    ("/my/support/999999999/booking", {"slot": "1"}, "redirect", "/my"),
    ("/my/support/abc/booking", {"slot": "1"}, "404", ""),
    ("{bag_a}/booking", {"slot": taken_slot, "csrf": False}, "400", ""),
    ("{bag_a}/booking/{booking_a}/reschedule", {"slot": "abc"}, "error", "Choose"),
    ("{bag_a}/booking/{booking_a}/reschedule", {"slot": "0"}, "error", "hours ahead"),
    ("{bag_a}/booking/{booking_b}/reschedule", {"slot": "1"}, "redirect", "/my"),
    ("{bag_a}/booking/999999999/reschedule", {"slot": "1"}, "redirect", "/my"),
    ("{bag_a}/booking/{booking_a}/cancel", {"reason": HUGE}, "error", "too long"),
    ("{bag_a}/booking/{booking_b}/cancel", {}, "redirect", "/my"),
    ("{bag_a}/booking/abc/cancel", {}, "404", ""),
    ("{bag_a}/booking/{booking_a}/cancel", {"reason": "x", "csrf": False}, "400", ""),
]

#: The portal's text inputs, given back in the form when it is refused.
TEXT_INPUTS = ("priorities", "description", "reason", "reasons")

#: (model, method, args, the ``data.name`` of the JSON-RPC error), called by
#: the consultant through ``/web/dataset/call_kw``.
#: ``SESSION`` in args stands for a valid log of client A's bag, updated with
#: the dict that follows it; ``LOG``, ``BAG``, ``DRAFT`` and ``PLAN`` for the
#: ids of client A's log, hour bag and draft contract, and of the bag's plan.
SESSION, LOG, BAG, DRAFT, PLAN = "SESSION", "LOG", "BAG", "DRAFT", "PLAN"
BOOKING = "BOOKING"
VALIDATION = "odoo.exceptions.ValidationError"
RPC_CASES = [
    ("support.session", "create", [SESSION, {"duration": "abc"}], VALIDATION),
    ("support.session", "create", [SESSION, {"duration": NAN}], VALIDATION),
    ("support.session", "create", [SESSION, {"duration": 1e300}], VALIDATION),
    ("support.session", "create", [SESSION, {"duration": -3}], VALIDATION),
    ("support.session", "create", [SESSION, {"date": ["2026-01-01"]}], VALIDATION),
    ("support.session", "create", [SESSION, {"date": "2999-12-31"}], VALIDATION),
    ("support.session", "create", [SESSION, {"date": 20260101}], VALIDATION),
    ("support.session", "create", [SESSION, {"contract_id": {"id": 1}}], VALIDATION),
    ("support.session", "create", [SESSION, {"contract_id": [1]}], VALIDATION),
    ("support.session", "create", [SESSION, {"contract_id": "abc"}], VALIDATION),
    (
        "support.session",
        "create",
        [SESSION, {"contract_id": 999999999}],
        "odoo.exceptions.MissingError",
    ),
    ("support.session", "create", [SESSION, {"objective": HUGE}], VALIDATION),
    ("support.session", "create", [SESSION, {"objective": ["a"]}], VALIDATION),
    (
        "support.session",
        "create",
        [SESSION, {"contract_id": False, "partner_id": "abc"}],
        VALIDATION,
    ),
    (
        "support.session",
        "create",
        [SESSION, {"modality": "bogus"}],
        "builtins.ValueError",
    ),
    ("support.session", "action_correct", [LOG, "abc", "Wrong"], VALIDATION),
    ("support.session", "write", [LOG, {"duration": 9}], "odoo.exceptions.UserError"),
    (
        "support.contract",
        "cancellation_quote",
        [BAG, "2999-01-01"],
        "odoo.exceptions.UserError",
    ),
    ("support.contract", "cancellation_quote", [BAG, "abc"], VALIDATION),
    ("support.contract", "write", [DRAFT, {"amount_paid": -5}], VALIDATION),
    ("support.contract", "write", [BAG, {"hours_included": "NaN"}], VALIDATION),
    (
        "support.plan",
        "write",
        [PLAN, {"meetings_per_month": 10**12}],
        "odoo.exceptions.AccessError",
    ),
    (
        "support.credit",
        "create",
        [{"amount": -100, "partner_id": 1}],
        "odoo.exceptions.AccessError",
    ),
    (
        "support.booking",
        "create",
        [{"contract_id": "abc", "start": "2030-01-01 10:00:00"}],
        VALIDATION,
    ),
    (
        "support.booking",
        "create",
        [{"contract_id": 1, "start": ["2030-01-01 10:00:00"]}],
        VALIDATION,
    ),
    ("support.booking", "action_cancel", [BOOKING, ""], "odoo.exceptions.UserError"),
    ("support.booking", "action_reschedule", [BOOKING, "abc", "Because"], VALIDATION),
    (
        "support.booking",
        "write",
        [BOOKING, {"start": "2030-01-01 10:00:00"}],
        "odoo.exceptions.UserError",
    ),
    ("support.booking", "unlink", [BOOKING], "odoo.exceptions.AccessError"),
    ("support.contract", "action_book", [BAG, "abc"], VALIDATION),
    ("support.contract", "action_book", [BAG, 12], VALIDATION),
]

#: The company's settings of the books and the booking (Settings > Support).
SETTINGS_COMPANY_FIELDS = [
    "support_billing_grace_days",
    "support_invoice_auto_post",
    "support_booking_lead_hours",
    "support_booking_horizon_days",
    "support_booking_step_minutes",
    "support_booking_reminder_hours",
    "support_policy_id",
]

#: (settings field, bad value, the ``data.name`` of the JSON-RPC error,
#: words of its message): the Settings form saved by a settings manager
#: (``res.config.settings`` ``web_save`` then ``execute``, as the form's
#: Save button does).
SETTINGS_CASES = [
    ("support_billing_grace_days", -1, VALIDATION, "cannot be negative"),
    ("support_billing_grace_days", -(10**6), VALIDATION, "cannot be negative"),
    ("support_booking_lead_hours", -1, VALIDATION, "cannot be negative"),
    ("support_booking_reminder_hours", -5, VALIDATION, "cannot be negative"),
    ("support_booking_horizon_days", 0, VALIDATION, "1 to 366 days"),
    ("support_booking_horizon_days", 10000, VALIDATION, "1 to 366 days"),
    ("support_booking_step_minutes", 1, VALIDATION, "5 to 240 minutes"),
    ("support_booking_step_minutes", 0, VALIDATION, "5 to 240 minutes"),
    ("support_withdrawal_days", -1, VALIDATION, "cannot be negative"),
    ("support_credit_validity_months", -12, VALIDATION, "cannot be negative"),
    ("support_booking_notice_hours", -1, VALIDATION, "cannot be negative"),
    ("support_before_start_outcome", "bogus", "builtins.ValueError", "Wrong value"),
    ("support_started_outcome", XSS, "builtins.ValueError", "Wrong value"),
]


@tagged("post_install", "-at_install")
class TestBadInput(SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.draft = (
            cls.env["support.contract"]
            .with_user(cls.user_consultant)
            .create(cls._contract_vals())
            .with_env(cls.env)
        )
        cls.credit_a = cls.env["support.credit"]._issue(
            cls.client_a,
            45000,
            "conversion",
            fields.Date.context_today(cls.bag_a),
            cls.bag_a.policy_version_id,
            contract_id=cls.bag_a.id,
            company_id=cls.company.id,
            reason="Diagnosis converted",
        )
        # Client A's bag takes bookings (the company's working hours); each
        # client has a session booked.
        cls.plan_bag.booking_consultant_ids = cls.user_consultant
        earliest, latest = cls.bag_a._get_booking_window()
        first = min(cls.bag_a._get_booking_slots(earliest, latest))
        cls.booking_a = cls.bag_a.action_book(first.replace(tzinfo=None), cls.contact_a)
        cls.booking_b = cls.bag_b.action_book(
            first.replace(tzinfo=None) + timedelta(days=1), cls.contact_b
        )

    @classmethod
    def _contract_vals(cls, **values):
        return dict(
            {
                "partner_id": cls.client_a.id,
                "plan_id": cls.plan_bag.id,
                "scope": "Fix the invoices",
                "amount_paid": 400000.0,
                "company_id": cls.company.id,
            },
            **values,
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _snapshot(self):
        """What a refused input must leave as it was."""
        self.env.invalidate_all()
        env = self.env
        contracts = env["support.contract"].search([], order="id")
        # As text: a NaN stored by mistake is then equal to itself.
        return {
            key: repr(value)
            for key, value in {
                "sessions": env["support.session"]
                .search([])
                .mapped(lambda s: (s.id, s.duration, len(s.objective))),
                "contracts": contracts.mapped(
                    lambda c: (
                        c.id,
                        c.state,
                        c.hours_included,
                        c.hours_used,
                        c.amount_paid,
                        c.amount_total,
                        len(c.scope or ""),
                    )
                ),
                "periods": contracts.period_ids.mapped(
                    lambda p: (p.id, len(p.priorities or ""))
                ),
                "plans": env["support.plan"]
                .search([])
                .read(["hours_included", "session_length", "meetings_per_month"]),
                "products": env["product.product"].search([]).mapped("lst_price"),
                "credits": env["support.credit"]
                .search([])
                .mapped(lambda c: (c.id, c.amount, c.amount_remaining, c.state)),
                "claims": env["support.claim"].search_count([]),
                "cancellations": env["support.cancellation"].search_count([]),
                "orders": env["sale.order"].search([]).mapped("state"),
                "messages": env["mail.message"].search_count(
                    [("model", "like", "support.%")]
                ),
                "activities": env["mail.activity"].search_count([]),
                "mails": env["mail.mail"].search_count([]),
                "bookings": env["support.booking"]
                .search([])
                .mapped(lambda b: (b.id, b.state, b.start, b.consultant_id.id)),
                "timesheets": env["account.analytic.line"]
                .search([])
                .mapped(
                    lambda t: (
                        t.id,
                        t.unit_amount,
                        t.date,
                        len(t.name or ""),
                        t.project_id.id,
                        t.task_id.id,
                        t.employee_id.id,
                    )
                ),
                "settings": env["res.company"].search([]).read(SETTINGS_COMPANY_FIELDS),
                "policy_versions": env["support.policy.version"]
                .search([])
                .read(list(POLICY_SETTINGS.values())),
                "events": env["calendar.event"]
                .with_context(active_test=False)
                .search([])
                .mapped(lambda e: (e.id, e.start, e.active)),
            }.items()
        }

    def _value(self, value):
        return value(self) if callable(value) else value

    def assertEscaped(self, html, where):
        """``html`` shows :data:`XSS` as text, never as markup."""
        self.assertIn(XSS_ESCAPED, html, where)
        for raw in XSS_RAW:
            self.assertNotIn(raw, html, where)

    # ------------------------------------------------------------------
    # Backend
    # ------------------------------------------------------------------
    def _run_backend(self, what, fname, value):
        """Run the backend case ``what`` with ``value`` in field ``fname``."""
        method = "_backend_" + what.lower().replace(".", "_").replace(" ", "_")
        getattr(self, method)(fname, value)

    def _session_vals(self, **values):
        return dict(
            {
                "contract_id": self.bag_a.id,
                "date": fields.Date.context_today(self.bag_a),
                "duration": 0.5,
                "objective": "Review the issue",
                "activity": "Fixed the configuration",
            },
            **values,
        )

    def _backend_session_create(self, fname, value):
        vals = self._session_vals(**{fname: value})
        if fname == "partner_id":
            vals.pop("contract_id")
        self.env["support.session"].with_user(self.user_consultant).create(vals)

    def _backend_session_write(self, fname, value):
        self.log_a.with_user(self.user_consultant).write({fname: value})

    def _backend_session_action_correct(self, fname, value):
        kwargs = dict({"duration": 1.0, "reason": "Wrong time"}, **{fname: value})
        self.log_a.with_user(self.user_consultant).action_correct(**kwargs)

    def _backend_form(self, fname, value):
        """The session log form view, as the consultant fills it in."""
        form = Form(self.env["support.session"].with_user(self.user_consultant))
        form.contract_id = self.bag_a
        for key, good in self._session_vals().items():
            if key != "contract_id":
                form[key] = good
        form[fname] = value
        form.save()

    def _backend_contract_create(self, fname, value):
        self.env["support.contract"].with_user(self.user_consultant).create(
            self._contract_vals(**{fname: value})
        )

    def _backend_contract_write(self, fname, value):
        self.draft.with_user(self.user_consultant).write({fname: value})

    def _backend_plan_create(self, fname, value):
        # The price of a plan is its product's.
        price = value if fname == "list_price" else 200000
        product = self.plan_bag.product_id.copy({"list_price": price})
        vals = {"name": "Bag 5 h", "kind": "hour_bag", "product_id": product.id}
        if fname != "list_price":
            vals[fname] = value
        self.env["support.plan"].with_user(self.user_manager).create(vals)

    def _backend_plan_write(self, fname, value):
        self.plan_bag.with_user(self.user_manager).write({fname: value})

    def _backend_sale_confirm(self, fname, value):
        order = self._create_order(self.plan_incident, self.contact_a)
        order.order_line[fname] = value
        order.action_confirm()

    def _backend_credit_create(self, fname, value):
        self.env["support.credit"].with_user(self.user_manager).create(
            {
                "partner_id": self.client_a.id,
                "origin": "conversion",
                "date_expiry": "2099-01-01",
                fname: value,
            }
        )

    def _backend_credit_write(self, fname, value):
        self.credit_a.with_user(self.user_manager).write({fname: value})

    def _backend_contract_cancellation_quote(self, fname, value):
        self.bag_a.with_user(self.user_consultant).cancellation_quote(value)

    def _backend_contract_action_cancel_by_policy(self, fname, value):
        contract = self.bag_a.with_user(self.user_consultant)
        contract.action_cancel_by_policy(**{fname: value})

    def _backend_form_cancel(self, fname, value):
        """The cancellation wizard: its quote follows the request date."""
        form = Form(
            self.env["support.contract.cancel"]
            .with_user(self.user_consultant)
            .with_context(default_contract_id=self.bag_a.id)
        )
        form[fname] = value

    def _backend_claim_create(self, fname, value):
        vals = {
            "contract_id": self.bag_a.id,
            "document_reference": "S00042",
            "contract_date": self.bag_a.date_purchase,
            "reasons": REASONS,
            fname: value,
        }
        self.env["support.claim"].with_user(self.user_consultant).create(vals)

    def _backend_booking_create(self, fname, value):
        vals = {
            "contract_id": self.bag_a.id,
            "consultant_id": self.user_consultant.id,
            "start": self.booking_a.start + timedelta(days=2),
            fname: value,
        }
        self.env["support.booking"].with_user(self.user_consultant).create(vals)

    def _backend_booking_write(self, fname, value):
        self.booking_a.with_user(self.user_consultant).write({fname: value})

    def _backend_booking_action_reschedule(self, fname, value):
        kwargs = dict(
            {"start": self.booking_a.start + timedelta(days=2), "reason": "Ill"},
            **{fname: value},
        )
        if fname == "start" and value == taken_start(self):
            # Client B's session, moved onto client A's time.
            self.booking_b.with_user(self.user_consultant).action_reschedule(**kwargs)
            return
        self.booking_a.with_user(self.user_consultant).action_reschedule(**kwargs)

    def _backend_booking_action_cancel(self, fname, value):
        self.booking_a.with_user(self.user_consultant).action_cancel(**{fname: value})

    def _backend_contract_action_book(self, fname, value):
        self.bag_a.with_user(self.user_consultant).action_book(value)

    def _backend_timesheet_write(self, fname, value):
        self.log_a.timesheet_id.with_user(self.user_consultant).write({fname: value})

    def _backend_timesheet_unlink(self, fname, value):
        self.log_a.timesheet_id.with_user(self.user_consultant).unlink()

    def _backend_timesheet_create(self, fname, value):
        line = self.log_a.timesheet_id
        self.env["account.analytic.line"].with_user(self.user_consultant).create(
            {
                "project_id": line.project_id.id,
                "task_id": line.task_id.id,
                "name": "Plain time on the support project",
                fname: value,
            }
        )

    def test_backend(self):
        for what, fname, value, exception, words in BACKEND_CASES:
            with self.subTest(what=what, field=fname, value=repr(value)[:40]):
                before = self._snapshot()
                with self.assertRaises(exception) as catcher:
                    self._run_backend(what, fname, self._value(value))
                self.assertIn(words, str(catcher.exception))
                self.assertNotIn("psycopg2", str(catcher.exception))
                self.assertEqual(self._snapshot(), before)
        _logger.info("Backend: %s bad inputs refused", len(BACKEND_CASES))

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    def _portal_request(self, route, data):
        route = route.format(
            **{
                name: getattr(self, name).access_url
                for name in ("bag_a", "bag_b", "monthly_a")
            },
            booking_a=self.booking_a.id,
            booking_b=self.booking_b.id,
        )
        data = {key: self._value(value) for key, value in data.items()}
        if data.pop("csrf", True) is False:
            self.env.flush_all()
            with mute_logger("odoo.http"):
                response = self.url_open(route, data=data, allow_redirects=False)
            self.env.invalidate_all()
            return response
        if route.startswith("/my/support/claims/new"):
            data = dict(
                {
                    "claim_type": "review",
                    "document_reference": "S00042",
                    "contract_date": str(self.bag_a.date_purchase),
                    "reasons": REASONS,
                },
                **data,
            )
        data = {
            key: value.format(bag_b=self.bag_b.id) if value == "{bag_b}" else value
            for key, value in data.items()
        }
        return self._post(route, data)

    def test_portal(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        for route, data, outcome, words in PORTAL_CASES:
            shown = {key: str(value)[:30] for key, value in data.items() if value}
            with self.subTest(route=route, data=shown):
                before = self._snapshot()
                response = self._portal_request(route, data)
                if outcome == "error":
                    self.assertEqual(response.status_code, 200, response.text[:300])
                    self.assertIn("o_support_error", response.text)
                    self.assertIn(words, response.text)
                    self.assertNotIn("Traceback", response.text)
                    if any(XSS in data.get(key, "") for key in TEXT_INPUTS):
                        # What the client wrote comes back, as text.
                        self.assertEscaped(response.text, route)
                    for raw in XSS_RAW:
                        self.assertNotIn(raw, response.text)
                elif outcome == "redirect":
                    self.assertRedirect(response, words)
                else:
                    self.assertEqual(response.status_code, int(outcome))
                self.assertEqual(self._snapshot(), before)
        _logger.info("Portal: %s bad inputs refused", len(PORTAL_CASES))

    def test_portal_html_shown_escaped(self):
        """Text with HTML the client or the consultant typed is accepted, and
        shown as text on the portal and in the emails."""
        self.authenticate("sup_portal_a", "sup_portal_a")
        mails_before = self.env["mail.mail"].search([]).ids
        self.assertRedirect(
            self._post(f"{self.monthly_a.access_url}/priorities", {"priorities": XSS}),
            self.monthly_a.access_url,
        )
        self.assertEqual(self.monthly_a.current_period_id.priorities, XSS)
        self.assertRedirect(
            self._post(f"{self.bag_a.access_url}/case", {"description": XSS}),
            self.bag_a.access_url,
        )
        response = self._post(
            "/my/support/claims/new",
            {
                "contract_id": str(self.bag_a.id),
                "claim_type": "complaint",
                "document_reference": XSS,
                "contract_date": str(self.bag_a.date_purchase),
                "reasons": f"{REASONS}\n{XSS}",
            },
        )
        claim = self.env["support.claim"].search(
            [("partner_id", "=", self.client_a.id)]
        )
        self.assertRedirect(response, claim.access_url)
        self.assertEqual(claim.document_reference, XSS)
        session = self._log(
            self.bag_a,
            0.5,
            objective=XSS,
            next_steps=XSS,
            out_of_scope=True,
            client_informed=True,
            client_informed_note=XSS,
        )
        # Its summary, as the queue's scheduled action sends it.
        session._send_summaries()
        pages = {
            "contract": self._get(self.bag_a.access_url).text,
            "monthly contract": self._get(self.monthly_a.access_url).text,
            "claim": self._get(claim.access_url).text,
        }
        for where, page in pages.items():
            self.assertEscaped(page, where)
        messages = (self.bag_a | self.monthly_a).message_ids.filtered(
            lambda m: "alert(1)" in (m.body or "")
        )
        # The priorities, the case, the note of the work agreed out of scope.
        self.assertEqual(len(messages), 3)
        summary = session.message_ids.filtered(lambda m: "alert(1)" in (m.body or ""))
        self.assertEqual(len(summary), 1, "the session summary to the client")
        for message in messages | summary:
            self.assertEscaped(message.body, message.record_name)
        mails = self.env["mail.mail"].search(
            [("id", "not in", mails_before), ("body_html", "like", "alert(1)")]
        )
        self.assertTrue(mails)
        self.assertIn(summary, mails.mail_message_id)
        for mail in mails:
            self.assertEscaped(mail.body_html, mail.subject)
        # The consultant's to-dos: the priorities and the case.
        todos = self.env["mail.activity"].search([("note", "like", "alert(1)")])
        self.assertEqual(len(todos), 2)
        for todo in todos:
            self.assertEscaped(todo.note, todo.summary)

    # ------------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------------
    def _rpc_args(self, args):
        if args[0] == SESSION:
            return [
                dict(
                    {
                        "contract_id": self.bag_a.id,
                        "date": str(fields.Date.context_today(self.bag_a)),
                        "duration": 0.5,
                        "objective": "Review the issue",
                        "activity": "Fixed the configuration",
                    },
                    **args[1],
                )
            ]
        records = {
            LOG: self.log_a,
            BAG: self.bag_a,
            DRAFT: self.draft,
            PLAN: self.plan_bag,
            BOOKING: self.booking_a,
        }
        if isinstance(args[0], str):
            return [records[args[0]].ids] + args[1:]
        return args

    def _call_kw(self, model, method, args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": {}},
        }
        self.env.flush_all()
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/web/dataset/call_kw/{model}/{method}",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        self.env.invalidate_all()
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_settings(self):
        """The books' and the booking's settings, saved from the Settings
        form by an administrator: each bad value refused with the rule it
        breaks, nothing saved (the company, the policy's versions)."""
        self.authenticate("admin", "admin")
        for fname, value, error_name, words in SETTINGS_CASES:
            with self.subTest(field=fname, value=repr(value)[:40]):
                before = self._snapshot()
                answer = self._call_kw(
                    "res.config.settings", "web_save", [[], {fname: value}, {}]
                )
                if "result" in answer:
                    answer = self._call_kw(
                        "res.config.settings", "execute", [[answer["result"][0]["id"]]]
                    )
                self.assertNotIn("result", answer, fname)
                error = answer["error"]["data"]
                self.assertEqual(error["name"], error_name, error["message"][:300])
                self.assertIn(words, error["message"])
                self.assertNotIn("psycopg2", error["message"])
                self.assertLess(len(error["message"]), 500)
                self.assertEqual(self._snapshot(), before)
        # A good value is saved: the cases fail for their value.
        answer = self._call_kw(
            "res.config.settings",
            "web_save",
            [[], {"support_billing_grace_days": 7}, {}],
        )
        self._call_kw("res.config.settings", "execute", [[answer["result"][0]["id"]]])
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.company_id.support_billing_grace_days, 7)
        _logger.info("Settings: %s bad inputs refused", len(SETTINGS_CASES))

    def test_json_rpc(self):
        self.authenticate("sup_consultant", "sup_consultant")
        for model, method, args, error_name in RPC_CASES:
            with self.subTest(model=model, method=method, args=repr(args)[:60]):
                before = self._snapshot()
                answer = self._call_kw(model, method, self._rpc_args(args))
                self.assertNotIn("result", answer)
                error = answer["error"]["data"]
                self.assertEqual(error["name"], error_name, error["message"][:300])
                self.assertNotIn("psycopg2", error["message"])
                self.assertLess(len(error["message"]), 500)
                self.assertEqual(self._snapshot(), before)
        # The same call with good values works: the cases fail for their value.
        answer = self._call_kw(
            "support.session", "create", self._rpc_args([SESSION, {}])
        )
        self.assertIn("result", answer)
        _logger.info("JSON-RPC: %s bad inputs refused", len(RPC_CASES))
