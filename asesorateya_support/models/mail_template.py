# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from lxml import html
from markupsafe import Markup

from odoo import api, models
from odoo.tools import safe_eval
from odoo.tools.rendering_tools import parse_inline_template

from ..const import QWEB_COMPILE_ONCE

#: ``_parse_partner_to``'s results by text (a few thousand at most).
_PARTNER_TO_PARSED = {}


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @classmethod
    def _parse_partner_to(cls, partner_to):
        """Odoo's parsing of a rendered ``partner_to`` (``literal_eval``),
        remembered by its text: it is parsed twice for each email
        (``_generate_template_recipients``), 0.5 s of a batch of 500 closing
        emails, profiled."""
        if not isinstance(partner_to, str):
            return super()._parse_partner_to(partner_to)
        parsed = _PARTNER_TO_PARSED.get(partner_to)
        if parsed is None:
            if len(_PARTNER_TO_PARSED) > 4096:
                _PARTNER_TO_PARSED.clear()
            parsed = _PARTNER_TO_PARSED[partner_to] = tuple(
                super()._parse_partner_to(partner_to)
            )
        return list(parsed)

    @api.model
    def _render_eval_context(self):
        """Odoo's rendering values; in the batched client emails (context
        ``QWEB_COMPILE_ONCE``), ``format_date`` remembers what it gave for a
        day, in this language: babel parses the locale again for each call,
        three calls an email (0.4 s of a batch of 500, profiled)."""
        values = super()._render_eval_context()
        if self.env.context.get(QWEB_COMPILE_ONCE):
            format_date, formatted = values["format_date"], {}

            def format_date_once(date, date_format=False, lang_code=False):
                key = (date, date_format, lang_code)
                try:
                    return formatted[key]
                except TypeError:  # not hashable: as Odoo does
                    return format_date(date, date_format, lang_code)
                except KeyError:
                    result = formatted[key] = format_date(date, date_format, lang_code)
                    return result

            values["format_date"] = format_date_once
        return values

    @api.model
    def _support_compile_once(self, source, res_ids):
        """Whether ``source`` is rendered on ``res_ids`` compiled once: asked
        for (context ``QWEB_COMPILE_ONCE``), on more than one record, in a
        rendering that is not restricted (the superuser's scheduled action)."""
        restricted = (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group("mail.group_mail_template_editor")
        )
        return bool(
            self.env.context.get(QWEB_COMPILE_ONCE)
            and not restricted
            and source
            and len(res_ids) >= 2
        )

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        """Render a QWeb body on many records, compiled once, when asked
        (context ``QWEB_COMPILE_ONCE``, set by the batched client emails).

        Odoo 17 parses the body again for each record and ``ir.qweb`` caches
        no template given as an element, so each record compiles it anew:
        some 20 ms of the 32 ms an email took, and most of a batch of 500.
        Here the body is compiled once per call (``_render_field`` calls once
        per language) and its function run on each record with the values
        ``ir.qweb._render`` would give it. Only for a rendering that is not
        restricted (the superuser's scheduled action); on any error, the
        records are rendered again Odoo's way, which reports it as usual.
        """
        if not self._support_compile_once(template_src, res_ids):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context, options
            )
        try:
            return self._render_template_qweb_compiled(
                template_src, model, res_ids, add_context, options
            )
        except Exception:  # noqa: BLE001 (Odoo's way says what failed)
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context, options
            )

    @api.model
    def _render_template_qweb_compiled(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        """``_render_template_qweb``'s rendering, the body compiled once.

        :return dict: {res_id: the rendered body}
        """
        variables = self._render_eval_context()
        variables.update(add_context or {})
        qweb = self.env["ir.qweb"].with_context(**(options or {}))
        # Wrapped in a <div> as Odoo does, which is cut off after rendering.
        element = html.fragment_fromstring(template_src, create_parent="div")
        render, results = None, {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            prepared = qweb._prepare_environment(values)
            safe_eval.check_values(values)
            if render is None:
                functions, name = prepared._compile(element)
                render = functions[name]
            results[record.id] = Markup("".join(render(prepared, values)))[5:-6]
        return results

    @api.model
    def _render_template_inline_template(
        self, template_txt, model, res_ids, add_context=None, options=None
    ):
        """Render an inline template (subject, sender, recipients, language)
        on many records, each expression compiled once, when asked (context
        ``QWEB_COMPILE_ONCE``, set by the batched client emails).

        Odoo 17 compiles and checks each ``{{ }}`` expression again for each
        record (``safe_eval``): four fields of a closing email, 500 emails a
        batch. Here each expression is checked and compiled once per call and
        evaluated on each record with the values ``safe_eval`` would give it.
        Under the same conditions as ``_render_template_qweb``; on any error
        the records are rendered again Odoo's way, which reports it.
        """
        if not self._support_compile_once(template_txt, res_ids):
            return super()._render_template_inline_template(
                template_txt, model, res_ids, add_context, options
            )
        try:
            return self._render_template_inline_template_compiled(
                template_txt, model, res_ids, add_context
            )
        except Exception:  # noqa: BLE001 (Odoo's way says what failed)
            return super()._render_template_inline_template(
                template_txt, model, res_ids, add_context, options
            )

    @api.model
    def _render_template_inline_template_compiled(
        self, template_txt, model, res_ids, add_context=None
    ):
        """``_render_template_inline_template``'s rendering, each expression
        compiled once (``safe_eval.test_expr``, the check ``safe_eval`` makes).

        :return dict: {res_id: the rendered text}
        """
        instructions = [
            (
                literal,
                expression
                and safe_eval.test_expr(
                    expression, safe_eval._SAFE_OPCODES, mode="eval"
                ),
            )
            for literal, expression in parse_inline_template(str(template_txt))
        ]
        variables = self._render_eval_context()
        variables.update(add_context or {})
        safe_eval.check_values(variables)
        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            values["__builtins__"] = safe_eval._BUILTINS
            parts = []
            for literal, code in instructions:
                parts.append(literal)
                if code:
                    # A copy for each expression, as safe_eval gives it.
                    value = safe_eval.unsafe_eval(code, dict(values))
                    if value:
                        parts.append(str(value))
            results[record.id] = "".join(parts)
        return results
