# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import models

from ..formatting import day_formatter, format_hours, format_text


class SupportSession(models.Model):
    """What the client's portal shows of each log."""

    # One file per concern (STYLE.md, "Layout").
    _inherit = "support.session"  # pylint: disable=consider-merging-classes-inherited

    def _get_portal_log_rows(self):
        """The logs of a contract page as the client reads them, formatted
        once for the page (issue 17: time independent of history).

        The page lists up to 50 logs. Rendered with QWeb's ``t-field``, each
        field of each log looked up again its converter, the selection's
        translated labels, the language and its date format (some 0.2 ms a
        log, most of the page's rendering). Here the labels and the date
        format are looked up once, and the texts are the converters' own:
        the same words, dates, ``hh:mm`` hours and HTML as before
        (``TestSupportPortalPages.test_contract_page_logs_as_odoo_fields``
        compares them). Reads nothing ``self``'s fetch has not read, but the
        consultants' names, in one query for all (prefetch).

        :return: one dict a log, in the order of ``self``: ``date``,
            ``consultant``, ``modality``, ``progress`` (key) and
            ``progress_label``, ``duration``, ``objective``, ``activity``,
            ``progress_note``, ``next_steps`` (escaped HTML, ``''`` when
            empty), ``is_correction``, ``out_of_scope``, ``exceeds_balance``
        :rtype: list[dict]
        """
        env = self.env
        modalities = dict(self._fields["modality"]._description_selection(env))
        progresses = dict(self._fields["progress"]._description_selection(env))
        format_day = day_formatter(env)
        rows = []
        for session in self:
            rows.append(
                {
                    "date": format_day(session.date),
                    "consultant": session.user_id.name,
                    "modality": modalities.get(session.modality, ""),
                    "progress": session.progress,
                    "progress_label": progresses.get(session.progress, ""),
                    "duration": format_hours(session.duration),
                    "objective": format_text(session.objective),
                    "activity": format_text(session.activity),
                    "progress_note": format_text(session.progress_note),
                    "next_steps": format_text(session.next_steps),
                    "is_correction": session.is_correction,
                    "out_of_scope": session.out_of_scope,
                    "exceeds_balance": session.exceeds_balance,
                }
            )
        return rows
