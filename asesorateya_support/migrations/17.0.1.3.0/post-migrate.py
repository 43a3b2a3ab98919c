# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.1.3.0: the session summary leaves the automation rule for a queue.

The rule 'Support: summary to the client after each session' rendered and
posted the email while the consultant's log was being saved. Summaries are now
queued by the log and sent by the scheduled action 'Support: send session
summaries'. The rule was loaded with noupdate, so the update does not remove
it: without this step, every summary would be sent twice. Logs saved before
the update already had their summary and are not queued.

The summary template (also noupdate) now tells the balance the session left,
which the log keeps, rather than the contract's balance when the email is
rendered: the expressions are replaced in its body, in every language, so an
admin's other changes to the email are kept.
"""

import json

from odoo import SUPERUSER_ID, api

OLD_RECORDS = (
    "ir_actions_server_session_summary_mail",
    "ir_actions_server_session_summary_reach_client",
    "base_automation_session_summary",
)


#: Old expression -> new one, in the session summary's body.
SUMMARY_EXPRESSIONS = (
    ("contract.hours_used", "object.summary_hours_used"),
    ("contract.hours_included", "object.summary_hours_allowed"),
    ("contract.hours_remaining", "object.summary_hours_left"),
    ("contract.hours_excess", "object.summary_hours_excess"),
    ("object.period_id.hours_used", "object.summary_hours_used"),
    ("object.period_id.hours_allowed", "object.summary_hours_allowed"),
    ("object.period_id.hours_remaining", "object.summary_hours_left"),
)


def _update_summary_template(env):
    template = env.ref(
        "asesorateya_support.mail_template_session_summary", raise_if_not_found=False
    )
    if not template:
        return
    env.cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
    bodies = env.cr.fetchone()[0] or {}
    for lang, body in bodies.items():
        for old, new in SUMMARY_EXPRESSIONS:
            body = body.replace(old, new)
        bodies[lang] = body
    env.cr.execute(
        "UPDATE mail_template SET body_html = %s WHERE id = %s",
        [json.dumps(bodies), template.id],
    )
    template.invalidate_recordset(["body_html"])


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    _update_summary_template(env)
    for xmlid in OLD_RECORDS:
        record = env.ref(f"asesorateya_support.{xmlid}", raise_if_not_found=False)
        if record:
            record.unlink()
