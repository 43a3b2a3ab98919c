# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One portal form, one request: the submission keys of the portal's forms.

A double click, a browser that sends a form again or two tabs posting the
same page would otherwise make a claim, a case message or a priorities
message per submission (ten claims, ten to-dos, ten emails). Each form
carries a key made when it was shown; the first submission of a key records
it in the same transaction as what it does, the others find it and do
nothing. Nothing in Odoo does this for website forms (``website_form`` has
no such guard), hence this small model.
"""

import re
from datetime import timedelta

from odoo import api, fields, models

#: What a key looks like: the hex of a ``uuid4`` the page wrote.
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
#: Days a key is kept: a form is not submitted again after that.
KEY_RETENTION_DAYS = 7


class SupportPortalSubmission(models.Model):
    _name = "support.portal.submission"
    _description = "Support portal form submission"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, ondelete="cascade"
    )
    res_model = fields.Char(readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    _sql_constraints = [
        (
            "user_key_uniq",
            "UNIQUE (user_id, key)",
            "A form is submitted once.",
        )
    ]

    @api.model
    def _register_key(self, key, user):
        """Record the first submission of ``key`` by ``user``.

        ``INSERT ... ON CONFLICT DO NOTHING``: a concurrent submission of the
        same key waits for the first one's transaction; if it committed, the
        second finds the key taken (under Odoo's repeatable read, PostgreSQL
        refuses it with a serialization failure, which Odoo's HTTP layer
        retries, and the retry finds the key). A first submission that is
        refused (rolled back) leaves the key free for the next one.

        :param str key: the form's key (a text that is no key is ignored:
            the form is then processed as before keys existed)
        :param user: the ``res.users`` submitting
        :return: the new record, or ``None`` when ``key`` was submitted before
        """
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            return self.browse()
        self.env.cr.execute(
            """
            INSERT INTO support_portal_submission (key, user_id, date)
            VALUES (%s, %s, NOW() AT TIME ZONE 'UTC')
            ON CONFLICT (user_id, key) DO NOTHING
            RETURNING id
            """,
            [key, user.id],
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else None

    @api.model
    def _find_result(self, key, user):
        """What the first submission of ``key`` by ``user`` made, if any."""
        submission = self.search(
            [("key", "=", key), ("user_id", "=", user.id)], limit=1
        )
        if submission.res_model and submission.res_id:
            return self.env[submission.res_model].browse(submission.res_id).exists()
        return None

    def _set_result(self, record):
        """Remember what this submission made (a claim, for its page)."""
        if self:
            self.write({"res_model": record._name, "res_id": record.id})

    @api.autovacuum
    def _gc_old_submissions(self):
        """Forget the keys of forms sent more than a week ago."""
        limit = fields.Datetime.now() - timedelta(days=KEY_RETENTION_DAYS)
        self.search([("date", "<", limit)]).unlink()
