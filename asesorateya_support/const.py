# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Constants shared by the models: states, kinds and the xmlids they use.

One home for the small things several files need, so that no model file
imports another one's constants. Plain Python: the pure policy rules
(``policy/``) may use them too.
"""

# --- Plan kinds (support policy §1, §2, §4) -------------------------------------

#: Kinds whose whole service is one session of a fixed length (policy §4).
SINGLE_SESSION_KINDS = ("diagnosis", "incident")
#: The plan kinds a client credit is spent on, by origin (issue 13, item 6):
#: a cancellation credit on any AsesórateYa service ("otro servicio de
#: AsesórateYa", support policy §10), a conversion credit only on what §5
#: names ("una bolsa de horas, un diagnóstico de soporte o un servicio
#: mayor": a bag, a diagnosis or the monthly retainer; not another incident,
#: nor the agency's projects, which another policy governs).
CREDIT_SCOPE_KINDS = {
    "cancellation": ("diagnosis", "incident", "hour_bag", "monthly"),
    "conversion": ("hour_bag", "diagnosis", "monthly"),
}
#: Kinds with a balance of hours to watch and warn about (policy §4, §6).
BALANCE_KINDS = ("hour_bag", "monthly")
#: Kinds sold only through a proposal with a validated scope, never from a
#: website cart (policy §2).
PROPOSAL_ONLY_KINDS = ("hour_bag",)

# --- Contract states ----------------------------------------------------------------

#: States in which a contract can take session logs.
LOGGABLE_STATES = ("confirmed", "active")
#: States from which a contract can be cancelled.
CANCELLABLE_STATES = ("draft", "confirmed", "waiting", "active", "paused", "exhausted")
#: States in which a contract is over.
CLOSED_STATES = ("exhausted", "done", "cancelled")
#: States of a project that takes revision rounds (agency policy §5.3).
REVISION_STATES = ("confirmed", "waiting", "active", "paused")
#: States in which a client may send requests from the portal.
PORTAL_REQUEST_STATES = ("confirmed", "waiting", "active", "paused")
#: Balance warnings from the mildest; a warning is sent when the level rises.
BALANCE_ALERT_LEVELS = ("none", "low", "exhausted")

# --- Cancellation policies (support policy §10) -------------------------------------

#: What a policy does with a refundable amount, before or after the start.
OUTCOME_SELECTION = [
    ("refund", "Refund"),
    ("credit", "Client credit"),
    ("review", "Manager review"),
]

#: What a client may ask for when cancelling (support.contract.cancel,
#: support.cancellation).
CANCELLATION_PREFERENCE_SELECTION = [
    ("policy", "As the policy says"),
    ("credit", "Credit"),
    ("refund", "Refund"),
]

# --- Groups and records the addon ships ---------------------------------------------

#: The support managers: plans, policies, settings, refunds.
GROUP_MANAGER = "asesorateya_support.asesorateya_support_group_manager"
#: The policy shipped with the addon, used when a company names none.
DEFAULT_POLICY_XMLID = "asesorateya_support.support_policy_support"
#: The demo consultancy (demo/res_company_demo.xml).
DEMO_COMPANY_XMLID = "asesorateya_support.company_asesorateya"
#: The day the demo set-up step ran (``_support_setup_demo``), if it ran.
DEMO_SETUP_PARAM = "asesorateya_support.demo_setup_date"
#: The service product extra revision rounds are billed with.
EXTRA_ROUND_PRODUCT_XMLID = "asesorateya_support.product_extra_revision_round"
#: The service product of the lines that spend a client credit.
CREDIT_PRODUCT_XMLID = "asesorateya_support.product_product_client_credit"

# --- Emails to the client (support policy §2, §4, §6, §7, §9, §10, §11) ------------

#: The email a client gets once a service is bought, by kind of plan (policy §2).
PURCHASE_MAIL_TEMPLATES = {
    "diagnosis": "asesorateya_support.mail_template_contract_confirmation",
    "incident": "asesorateya_support.mail_template_contract_confirmation",
    "hour_bag": "asesorateya_support.mail_template_hour_bag_confirmation",
    "monthly": "asesorateya_support.mail_template_monthly_welcome",
}
#: The emails of a service held and resumed (policy §9).
HOLD_MAIL_TEMPLATE = "asesorateya_support.mail_template_contract_hold"
RESUME_MAIL_TEMPLATE = "asesorateya_support.mail_template_contract_resume"
#: The warnings of hours about to run out, and run out (policy §4, §6).
BALANCE_MAIL_TEMPLATES = {
    "low": "asesorateya_support.mail_template_low_balance",
    "exhausted": "asesorateya_support.mail_template_hours_exhausted",
}
#: The emails of a cancellation: waiting for a manager, then settled.
CANCELLATION_REQUEST_MAIL_TEMPLATE = (
    "asesorateya_support.mail_template_cancellation_request"
)
CANCELLATION_SETTLED_MAIL_TEMPLATE = (
    "asesorateya_support.mail_template_cancellation_settled"
)
#: The summary a client gets after each log (policy §4, §11).
SUMMARY_MAIL_TEMPLATE = "asesorateya_support.mail_template_session_summary"
#: The email of a closed cycle: hours used and expired, next priorities.
CLOSE_MAIL_TEMPLATE = "asesorateya_support.mail_template_period_close"
#: The template of the reminder sent before a credit expires.
REMINDER_TEMPLATE_XMLID = "asesorateya_support.mail_template_credit_reminder"

# --- Scheduled actions --------------------------------------------------------------

#: The scheduled action that sends the queued session summaries.
SUMMARY_CRON = "asesorateya_support.ir_cron_send_session_summaries"
#: The scheduled action that sends the queued closing emails of cycles.
CLOSE_MAIL_CRON = "asesorateya_support.ir_cron_send_close_mails"
#: The scheduled action that closes ended cycles and opens the next ones.
ROLL_PERIODS_CRON = "asesorateya_support.ir_cron_roll_periods"

# --- Bookings (support policy §2, §9, §10) -------------------------------------------

#: Kinds whose sessions clients book (a project has no sessions to book).
BOOKABLE_KINDS = ("diagnosis", "incident", "hour_bag", "monthly")
#: States in which a contract books sessions: bought and not over, nor paused.
BOOKABLE_STATES = ("confirmed", "waiting", "active")
#: The notice to reschedule or cancel a booked session when no policy version
#: says otherwise (the policies' text is silent; README, "Booking").
DEFAULT_BOOKING_NOTICE_HOURS = 24
#: The emails of a booked session to the client, posted on its contract.
BOOKING_CONFIRMED_MAIL_TEMPLATE = "asesorateya_support.mail_template_booking_confirmed"
BOOKING_RESCHEDULED_MAIL_TEMPLATE = (
    "asesorateya_support.mail_template_booking_rescheduled"
)
BOOKING_CANCELLED_MAIL_TEMPLATE = "asesorateya_support.mail_template_booking_cancelled"
BOOKING_REMINDER_MAIL_TEMPLATE = "asesorateya_support.mail_template_booking_reminder"
#: The reminder of a booked session to its consultant.
BOOKING_CONSULTANT_REMINDER_MAIL_TEMPLATE = (
    "asesorateya_support.mail_template_booking_reminder_consultant"
)
#: Odoo's own calendar emails, sent to the consultant (an internal user).
CALENDAR_INVITATION_MAIL_TEMPLATE = "calendar.calendar_template_meeting_invitation"
CALENDAR_CHANGED_MAIL_TEMPLATE = "calendar.calendar_template_meeting_changedate"
#: The scheduled action that sends the reminders of booked sessions.
BOOKING_REMINDER_CRON = "asesorateya_support.ir_cron_booking_reminders"
#: Context key of ``mail.template._render_template_qweb``: compile a QWeb body
#: once for all the records rendered together (the batched client emails).
QWEB_COMPILE_ONCE = "support_qweb_compile_once"

#: Context key of a session log's own writes on its timesheet line, which the
#: timesheet line's guard lets through (account_analytic_line.py).
SESSION_SYNC_CONTEXT = "support_session_sync"

# --- Billing ----------------------------------------------------------------------

#: Key in the cursor's transaction cache (``cr.cache``) of the fiscal positions
#: found by region while cycles are billed (``support.contract.period._bill``,
#: ``account.fiscal.position._get_fpos_by_region``).
FPOS_BY_REGION_MEMO = "asesorateya_support.fpos_by_region"
