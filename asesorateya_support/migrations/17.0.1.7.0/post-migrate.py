# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.1.7.0: the low-balance email links the additional bag (policy §6).

The email templates are loaded with noupdate: an admin may have edited them,
and a module update leaves them alone. The link's paragraph is inserted into
the low-balance template's body, in each language the body is stored in,
right after the paragraph on the hour bag's balance (the body's only
``<p t-else="">``, the alternative to the monthly cycle's paragraph), as the
module ships it in that language. Nothing else of the body changes: an
admin's edits are kept, and an untouched body becomes the shipped one.

A body whose hour-bag paragraph is not found (an admin rewrote the email) is
left as it is: the log says so (INFO) and the settings administrators get a
note in their inbox, linking the template, to add the link themselves.
``tests/check_migration_17_0_1_7_0.py`` checks both on a database of
17.0.1.5.0.
"""

import json
import logging
import re

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationImporter, code_translations, get_po_paths

_logger = logging.getLogger(__name__)

MODULE = "asesorateya_support"
TEMPLATE_XMLID = f"{MODULE}.mail_template_low_balance"
DATA_FILE = f"{MODULE}/data/mail_template_data.xml"
#: What the link's paragraph links to: a body holding it has it already.
LINK_MARK = "#additional_bag"
#: The link's paragraph, in a shipped body (it holds no other paragraph).
LINK_PARAGRAPH_RE = re.compile(
    r"<p\b[^>]*\bt-if=\"object\.kind == 'hour_bag'\"[^>]*>.*?</p>", re.DOTALL
)
#: The opening tag of the hour bag's paragraph, after which the link goes.
ANCHOR_RE = re.compile(r"<p\b[^>]*\bt-else=[^>]*>")
#: The note to the administrators (in i18n/*.po, as code strings).
SUBJECT = "Low-balance email: your edits kept, without the new button"
BODY = (
    'This update adds a button "Ask for an additional bag" to the email '
    '"%(template)s", after the paragraph on the hour bag\'s balance (policy '
    "§6). Your edited email (%(languages)s) was kept as it is, without the "
    "button: add it yourself if you want your clients to ask for an "
    "additional bag from the email. The contract's page in the portal offers "
    "it in any case."
)


def _shipped_link_paragraphs(env, langs):
    """The link's paragraph as the module ships it, per language: the
    English of data/mail_template_data.xml, and the module's translations
    of the body (a language without one gets the English, as Odoo shows).

    :return: dict language code -> paragraph (HTML text)
    """
    tree = etree.parse(file_path(DATA_FILE))
    [field] = tree.xpath(
        "//record[@id='mail_template_low_balance']/field[@name='body_html']"
    )
    [paragraph] = field.xpath(".//p[@t-if=\"object.kind == 'hour_bag'\"]")
    english = etree.tostring(paragraph, encoding="unicode", with_tail=False)
    importer = TranslationImporter(env.cr, verbose=False)
    installed = dict(env["res.lang"].get_installed())
    for lang in langs:
        if lang not in installed:
            continue
        for path in get_po_paths(MODULE, lang):
            importer.load_file(path, lang, xmlids=[TEMPLATE_XMLID])
    translated = importer.model_translations["mail.template"]["body_html"][
        TEMPLATE_XMLID
    ]
    paragraphs = {}
    for lang in langs:
        match = LINK_PARAGRAPH_RE.search(translated.get(lang) or "")
        paragraphs[lang] = match.group(0) if match else english
    paragraphs["en_US"] = english
    return paragraphs


def _insert_link(body, paragraph):
    """``body`` with ``paragraph`` right after its hour bag's paragraph.

    :return: the new body, or ``None`` when the hour bag's paragraph is not
        found once (an admin rewrote it): the body is then left alone
    """
    anchors = ANCHOR_RE.findall(body)
    if len(anchors) != 1:
        return None
    start = body.index(anchors[0])
    end = body.find("</p>", start)
    if end < 0 or "<p" in body[start + len(anchors[0]) : end]:
        return None
    end += len("</p>")
    # The indentation of the hour bag's paragraph, for the new one.
    line_start = body.rfind("\n", 0, start) + 1
    indent = body[line_start:start] if not body[line_start:start].strip() else ""
    return f"{body[:end]}\n{indent}{paragraph}{body[end:]}"


def _t(lang, source):
    """``source`` in ``lang``, from the module's catalog (``_()`` finds no
    language in a migration)."""
    return code_translations.get_python_translations(MODULE, lang).get(source, source)


def _notify_admins(env, template, langs):
    """Tell the settings administrators, in their language, that the link
    was not added to their edited email in ``langs``."""
    admins = (
        env.ref("base.group_system")
        .users.filtered(lambda user: user.active and not user.share)
        .sorted("id")
    )
    names = dict(env["res.lang"].get_installed())
    for admin in admins:
        lang = admin.lang or "en_US"
        subject = _t(lang, SUBJECT)
        body = _t(lang, BODY) % {
            "template": template.with_context(lang=lang).name,
            "languages": ", ".join(names.get(code, code) for code in langs),
        }
        env["mail.thread"].message_notify(
            model="mail.template",
            res_id=template.id,
            partner_ids=admin.partner_id.ids,
            author_id=env.ref("base.partner_root").id,
            subject=subject,
            body=body,
        )


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(TEMPLATE_XMLID, raise_if_not_found=False)
    if not template:
        return
    cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
    bodies = cr.fetchone()[0] or {}
    paragraphs = _shipped_link_paragraphs(
        env, [lang for lang in bodies if lang != "en_US"]
    )
    added, kept = [], []
    for lang, body in bodies.items():
        if not body or LINK_MARK in body:
            continue
        new_body = _insert_link(body, paragraphs[lang])
        if new_body is None:
            kept.append(lang)
        else:
            bodies[lang] = new_body
            added.append(lang)
    if added:
        cr.execute(
            "UPDATE mail_template SET body_html = %s WHERE id = %s",
            [json.dumps(bodies), template.id],
        )
        template.invalidate_recordset(["body_html"])
        _logger.info(
            "Support: the additional bag's link added to the low-balance email in %s",
            ", ".join(added),
        )
    if kept:
        _logger.info(
            "Support: the low-balance email in %s was rewritten by an admin: "
            "left as it is, without the additional bag's link (the settings "
            "administrators are told)",
            ", ".join(kept),
        )
        _notify_admins(env, template, kept)
