# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Everything a Chilean client reads is Spanish: a quote's explanation, the
emails, the portal pages and the reports, rendered for a client whose
language is es_CL, hold no English text of the addon's catalog."""

import html
import re

import polib

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common_portal import SupportPortalCommon

#: A fragment of a source text shorter than this, or with fewer words, may
#: well be Spanish too ("Total", "IVA", a name): only sentences are looked for.
MIN_FRAGMENT_LENGTH = 18
MIN_FRAGMENT_WORDS = 4


def _plain(text):
    """Text as read: tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", str(text or ""))
    return re.sub(r"\s+", " ", html.unescape(text))


def _english_fragments():
    """English fragments of the addon's catalog that its Spanish changes:
    the sentences between placeholders and tags of each translated msgid."""
    catalog = polib.pofile(file_path("asesorateya_support/i18n/es.po"))
    fragments = set()
    for entry in catalog:
        if not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        spanish = _plain(entry.msgstr)
        for part in re.split(r"%\(\w+\)s|%s|%%|<[^>]+>|[\n:;()]", entry.msgid):
            part = _plain(part).strip(" .,")
            if (
                len(part) >= MIN_FRAGMENT_LENGTH
                and len(part.split()) >= MIN_FRAGMENT_WORDS
                and part not in spanish
            ):
                fragments.add(part)
    return fragments


@tagged("post_install", "-at_install")
class TestSpanishEverywhere(SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_CL")
        cls.env.ref("base.module_asesorateya_support")._update_translations(["es_CL"])
        (cls.client_a | cls.contact_a | cls.contact_a2).lang = "es_CL"
        # A Chilean consultancy's website speaks Spanish.
        spanish = cls.env.ref("base.lang_es_CL")
        website = cls.env["website"].get_current_website()
        website.language_ids |= spanish
        website.default_lang_id = spanish
        cls.english = _english_fragments()

    def assertSpanish(self, what, text):
        plain = _plain(text)
        self.assertTrue(plain.strip(), f"{what}: nothing rendered")
        found = sorted(fragment for fragment in self.english if fragment in plain)
        self.assertFalse(found, f"{what}: English left in {plain[:3000]}")

    def _set_refund_needs_approval(self, contract, value):
        """The version's terms are frozen once a contract uses them (agency
        policy §8.1): the test flips the one term the explanation reads."""
        version = contract._get_policy_version()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE support_policy_version SET refund_needs_approval = %s "
            "WHERE id = %s",
            [value, version.id],
        )
        version.invalidate_recordset(["refund_needs_approval"])

    def test_fragments_found(self):
        self.assertGreater(len(self.english), 300)
        self.assertIn("a manager reviews the request", self.english)

    def test_quote_explanation(self):
        """The explanation the consultant (in English) shows the client:
        the client's Spanish, the policy's name too."""
        policy = self.bag_a._get_policy_version().policy_id
        policy.with_context(lang="es_CL").name = "Política de devoluciones"
        english_env = self.env(context=dict(self.env.context, lang="en_US"))
        for contract in (self.bag_a, self.monthly_a):
            for needs_approval in (True, False):
                self._set_refund_needs_approval(contract, needs_approval)
                quote = contract.with_env(english_env).cancellation_quote()
                self.assertSpanish(contract.name, quote["explanation"])
                self.assertIn("Política de devoluciones", quote["explanation"])

    def test_emails(self):
        """Every email template of the addon, for a record of client A."""
        records = {
            "support.contract": self.bag_a,
            "support.session": self.log_a,
            "support.contract.period": self.monthly_a.current_period_id,
        }
        templates = (
            self.env["mail.template"]
            .search([("model", "in", list(records))])
            .filtered(lambda t: t.get_external_id()[t.id].startswith("asesorateya_"))
        )
        self.assertGreaterEqual(len(templates), 8)
        for template in templates:
            record = records[template.model]
            for fname in ("subject", "body_html"):
                rendered = template._render_field(fname, record.ids, compute_lang=True)
                self.assertSpanish(f"{template.name} ({fname})", rendered[record.id])

    def test_portal_pages_and_reports(self):
        """The pages a client opens, the statement, then a cancellation: its
        stored explanation, its emails and its document."""
        # The next steps: an additional bag (hours running low), the proposal
        # after a diagnosis.
        self._log(self.bag_a, 7.5)
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a)
        diagnosis.state = "done"
        self.authenticate("sup_portal_a", "sup_portal_a")
        pages = [
            diagnosis.access_url,
            "/my/support",
            self.bag_a.access_url,
            self.monthly_a.access_url,
            f"{self.bag_a.access_url}/cancel",
            "/my/support/claims/new",
            f"{self.bag_a.access_url}?report_type=html",
        ]
        titles = {
            "/my/support": "Mi soporte Odoo",
            f"{self.bag_a.access_url}/cancel": "Cancelar un contrato de soporte",
            "/my/support/claims/new": "Presentar un reclamo de soporte",
            self.bag_a.access_url: self.bag_a.name,
        }
        for url in pages:
            response = self._get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertSpanish(url, response.text)
            if url in titles:
                # The browser tab's title.
                title = re.search(r"<title>(.*?)</title>", response.text, re.S)
                self.assertEqual(_plain(title[1]).split("|")[0].strip(), titles[url])
        self._set_refund_needs_approval(self.bag_a, True)
        before = self.bag_a.message_ids
        response = self._post(
            f"{self.bag_a.access_url}/cancel",
            {"confirm": "1", "preference": "policy", "reason": "Cerramos"},
        )
        self.assertIn(response.status_code, (302, 303), response.text[:500])
        cancellation = self.bag_a.cancellation_ids
        self.assertTrue(cancellation)
        self.assertSpanish("stored explanation", cancellation.explanation)
        # The emails of the cancellation (the purchase's went out before the
        # client chose Spanish).
        emails = (self.bag_a.message_ids - before).filtered("subject")
        self.assertTrue(emails)
        for message in emails:
            self.assertSpanish(message.subject, message.body)
        response = self._get(f"{self.bag_a.access_url}/cancellation?report_type=html")
        self.assertEqual(response.status_code, 200)
        self.assertSpanish("cancellation document", response.text)
