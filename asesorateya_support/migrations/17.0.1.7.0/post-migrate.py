# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.1.7.0: the low-balance email links the additional bag (policy §6).

The email templates are loaded with noupdate (an admin may edit them), so a
module update does not change them. The shipped low-balance template gets
its new body from the module here, and its translations the module's (the
body is translated as a whole: an admin's edits of this one template are
replaced, those of the other templates kept).
"""

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools.misc import file_path

TEMPLATE_XMLID = "asesorateya_support.mail_template_low_balance"
DATA_FILE = "asesorateya_support/data/mail_template_data.xml"


def _shipped_body():
    """The template's ``body_html`` as data/mail_template_data.xml ships it."""
    tree = etree.parse(file_path(DATA_FILE))
    [field] = tree.xpath(
        "//record[@id='mail_template_low_balance']/field[@name='body_html']"
    )
    return "".join(etree.tostring(child, encoding="unicode") for child in field)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(TEMPLATE_XMLID, raise_if_not_found=False)
    if not template:
        return
    template.with_context(lang="en_US").body_html = _shipped_body()
    # The body is translated as a whole: the old Spanish is dropped, then
    # loaded again from the module (which fills only missing translations).
    cr.execute(
        """
        UPDATE mail_template
           SET body_html = jsonb_build_object('en_US', body_html->'en_US')
         WHERE id = %s
        """,
        [template.id],
    )
    template.invalidate_recordset(["body_html"])
    langs = [code for code, _name in env["res.lang"].get_installed() if code != "en_US"]
    if langs:
        env["ir.module.module"]._load_module_terms(["asesorateya_support"], langs)
