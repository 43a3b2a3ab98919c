# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

from odoo import models

_logger = logging.getLogger(__name__)


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """Keep the support emails queued while the SMTP server is unreachable.

        Odoo marks a batch it could not even connect for as failed, and the
        queue never picks it up again. The policy's emails (confirmation,
        session summary, warnings...) must not be lost to a server that is
        down for a while: they go back to the queue and leave on its next run.
        Failures of one mail (a refused address) stay failures.
        """
        result = super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
        if failure_type == "mail_smtp" and not failure_reason and not success_pids:
            # This is the call made when connecting to the server failed.
            waiting = self.filtered(
                lambda mail: (
                    mail.state == "exception"
                    and not mail.failure_type
                    and (mail.model or "").startswith("support.")
                )
            )
            if waiting:
                waiting.sudo().write({"state": "outgoing"})
                _logger.info(
                    "SMTP server unreachable: %s support emails wait in the queue",
                    len(waiting),
                )
        return result
