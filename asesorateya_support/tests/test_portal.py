# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The client portal's pages: a client reads its own records, nobody else's."""

from datetime import date, timedelta

from markupsafe import escape

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_qweb_fields import nl2br

from ..formatting import day_formatter, format_day, format_text
from .common_portal import SupportPortalCommon

STATEMENT = "asesorateya_support.report_support_contract_statement"
CANCELLATION = "asesorateya_support.report_support_cancellation"


@tagged("post_install", "-at_install")
class TestSupportPortalPages(SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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

    # ------------------------------------------------------------------
    # /my and /my/support
    # ------------------------------------------------------------------
    def test_home_entry_and_counter(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        response = self._get("/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="/my/support"', response.text)
        self.assertIn('data-placeholder_count="support_contract_count"', response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["support_contract_count"]}
        )
        self.assertEqual(counters, {"support_contract_count": 2})
        self.authenticate("sup_portal_b", "sup_portal_b")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["support_contract_count"]}
        )
        self.assertEqual(counters, {"support_contract_count": 1})

    def test_list_shows_the_company_records_to_any_of_its_users(self):
        for login in ("sup_portal_a", "sup_portal_a2"):
            self.authenticate(login, login)
            response = self._get("/my/support")
            self.assertEqual(response.status_code, 200)
            page = response.text
            for contract in self.bag_a | self.monthly_a:
                self.assertIn(contract.name, page)
                self.assertIn(contract.access_url, page)
            self.assertNotIn(self.bag_b.name, page)
            # Hours as progress bars and hh:mm, the current cycle, the credit.
            self.assertIn('class="progress o_support_progress"', page)
            self.assertIn("01:30", page)
            self.assertIn("08:30", page)
            self.assertIn(self.credit_a.name, page)
            self.assertIn("o_support_credit_expiry", page)

    def test_list_hides_drafts_and_other_clients(self):
        draft = self.env["support.contract"].create(
            {"partner_id": self.client_a.id, "plan_id": self.plan_diagnosis.id}
        )
        self.authenticate("sup_portal_b", "sup_portal_b")
        page = self._get("/my/support").text
        self.assertIn(self.bag_b.name, page)
        for contract in self.bag_a | self.monthly_a | draft:
            self.assertNotIn(contract.name, page)
        self.assertNotIn(self.credit_a.name, page)

    def test_list_sorted_and_paginated(self):
        many = self.env["support.contract"].create(
            [
                {
                    "partner_id": self.client_b.id,
                    "plan_id": self.plan_diagnosis.id,
                    "state": "confirmed",
                }
                for _index in range(80)
            ]
        )
        self.authenticate("sup_portal_b", "sup_portal_b")
        first = self._get("/my/support?sortby=name").text
        second = self._get("/my/support/page/2?sortby=name").text
        everything = (self.bag_b | many).sorted("name")
        self.assertEqual(first.count("o_support_contract_row"), 80)
        self.assertEqual(second.count("o_support_contract_row"), 1)
        self.assertIn(everything[-1].name, second)
        self.assertNotIn(everything[-1].name, first)
        positions = [first.index(contract.name) for contract in everything[:80]]
        self.assertEqual(positions, sorted(positions), "sorted by reference")
        newest = self._get("/my/support?sortby=date").text
        self.assertIn(everything.sorted("id")[-1].name, newest)
        for sortby in ("state", "unknown"):
            self.assertEqual(self._get(f"/my/support?sortby={sortby}").status_code, 200)

    # ------------------------------------------------------------------
    # /my/support/<id>
    # ------------------------------------------------------------------
    def test_contract_page_shows_summary_logs_and_chatter(self):
        self.authenticate("sup_portal_a2", "sup_portal_a2")
        response = self._get(self.bag_a.access_url)
        self.assertEqual(response.status_code, 200)
        page = response.text
        for text in (
            self.bag_a.name,
            "Objective of client A",
            "Activity of client A",
            "Next steps of client A",
            "Progress of client A",
            self.user_consultant.name,
            "Videoconference",
            "01:30",
            "08:30",
            'id="discussion"',
            "o_support_statement_download",
            "o_support_cancel_link",
            "o_support_case_form",
        ):
            self.assertIn(text, page)
        self.assertNotIn("Secret objective of client B", page)

    def test_contract_page_monthly_cycle_and_notices(self):
        self.monthly_a.current_period_id.priorities = "Close the month"
        self._log(
            self.monthly_a,
            8.5,
            client_informed=True,
            client_informed_note="Told by email on Monday",
        )
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(self.monthly_a.access_url).text
        self.assertIn("o_support_priorities_form", page)
        self.assertIn("Close the month", page)
        self.assertIn("o_support_periods", page)
        self.assertIn("Told by email on Monday", page)
        self.assertIn("Beyond the balance", page)
        self.monthly_a.action_pause("The accountant's access to the bank")
        page = self._get(self.monthly_a.access_url).text
        self.assertIn("o_support_hold", page)
        self.assertIn("The accountant&#39;s access to the bank", page)

    def test_contract_page_paginates_long_logs(self):
        bag = self.env["support.contract"].create(
            {
                "partner_id": self.client_a.id,
                "plan_id": self._create_plan(
                    "Bag 100 h", "hour_bag", 1000000, hours_included=100.0
                ).id,
                "scope": "Scope",
                "state": "confirmed",
            }
        )
        self.env["support.session"].with_user(self.user_consultant).create(
            [
                {
                    "contract_id": bag.id,
                    "duration": 0.25,
                    "objective": f"Task {index:03d}",
                    "activity": "Done",
                }
                for index in range(60)
            ]
        )
        self.authenticate("sup_portal_a", "sup_portal_a")
        first = self._get(bag.access_url).text
        second = self._get(f"{bag.access_url}/page/2").text
        self.assertEqual(first.count('o_support_session"'), 50)
        self.assertEqual(second.count('o_support_session"'), 10)
        self.assertIn(f"{bag.access_url}/page/2", first)

    def test_contract_page_logs_as_odoo_fields_show_them(self):
        """The logs of the contract page, formatted once for the page (issue
        17), read as QWeb's t-field converters wrote them for each log: the
        same dates, labels, hh:mm and escaped texts, in English and Spanish."""
        self.env["res.lang"]._activate_lang("es_CL")
        self.env.ref("base.module_asesorateya_support")._update_translations(["es_CL"])
        logs = self.log_a
        for modality, progress in (
            ("supervised_remote", "waiting_client"),
            ("internal", "blocked"),
        ):
            logs |= self._log(
                self.bag_a,
                0.75,
                modality=modality,
                progress=progress,
                objective="Check <b>the VAT</b> & the books\nthen the bank",
                activity="Line one\nLine <i>two</i>",
                progress_note="Half done",
            )
        logs |= self.log_a.action_correct(1.25, "Started late")
        self.assertLess(logs[-1].duration, 0)
        labels = {}
        for lang in ("en_US", "es_CL"):
            sessions = logs.sudo().with_context(lang=lang)
            env = sessions.env
            rows = sessions._get_portal_log_rows()
            self.assertEqual(len(rows), len(logs))
            for session, row in zip(sessions, rows, strict=True):

                def converted(name, session=session, env=env):
                    """What t-field output for the field (the tag's text)."""
                    field_type = session._fields[name].type
                    html = env[f"ir.qweb.field.{field_type}"].record_to_html(
                        session, name, {}
                    )
                    return str(escape(html or ""))

                for name in ("date", "objective", "activity", "progress_note"):
                    self.assertEqual(str(escape(row[name])), converted(name), name)
                self.assertEqual(str(escape(row["modality"])), converted("modality"))
                self.assertEqual(
                    str(escape(row["progress_label"])), converted("progress")
                )
                self.assertEqual(
                    row["duration"],
                    env["ir.qweb.field.float_time"].value_to_html(session.duration, {}),
                )
                self.assertEqual(row["consultant"], session.user_id.name)
                self.assertEqual(row["is_correction"], session.is_correction)
            labels[lang] = [row["modality"] for row in rows]
            for day in (date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 7)):
                self.assertEqual(day_formatter(env)(day), format_day(env, day))
        self.assertNotEqual(labels["en_US"], labels["es_CL"])
        for text in ("a", "a & <b>\n\nc", "l1\r\nl2\n", "«ñ» \"q\" 'x'"):
            self.assertEqual(format_text(text), nl2br(escape(text)))
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(self.bag_a.access_url).text
        self.assertIn(
            "Check &lt;b&gt;the VAT&lt;/b&gt; &amp; the books<br>\nthen", page
        )
        self.assertIn("Waiting for the client", page)
        self.assertIn("-00:15", page)

    def test_other_clients_contract_is_refused(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        for url in (
            self.bag_b.access_url,
            f"{self.bag_b.access_url}/page/2",
            f"{self.bag_b.access_url}?report_type=pdf",
            f"{self.bag_b.access_url}?report_type=html",
            f"{self.bag_b.access_url}/cancellation",
            f"{self.bag_b.access_url}/cancel",
            "/my/support/999999",
        ):
            with self.subTest(url=url):
                self.assertRedirect(self._get(url, allow_redirects=False), "/my")

    def test_access_token(self):
        token = self.bag_b._portal_ensure_token()
        # The email link opens the contract, without a login...
        self.authenticate(None, None)
        response = self._get(f"{self.bag_b.access_url}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Secret objective of client B", response.text)
        # ...but asks nothing in the client's name.
        self.assertNotIn("o_support_case_form", response.text)
        self.assertNotIn("o_support_cancel_link", response.text)
        statement = self._get(
            f"{self.bag_b.access_url}?access_token={token}&report_type=pdf"
        )
        self.assertEqual(statement.status_code, 200)
        self.assertIn(self.bag_b.name, statement.text)
        # A wrong, missing or other record's token gives nothing.
        other_token = self.bag_a._portal_ensure_token()
        for url in (
            f"{self.bag_b.access_url}?access_token=guessed",
            f"{self.bag_b.access_url}?access_token={other_token}",
            f"{self.bag_b.access_url}?access_token={token[:-1]}",
            self.bag_b.access_url,
            f"{self.bag_b.access_url}?access_token=&report_type=pdf",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertLoginRedirect(response)
                self.assertNotIn("Secret objective of client B", response.text)

    def test_token_of_another_client_reads_but_does_not_act(self):
        token = self.bag_b._portal_ensure_token()
        self.authenticate("sup_portal_a", "sup_portal_a")
        page = self._get(f"{self.bag_b.access_url}?access_token={token}").text
        self.assertIn(self.bag_b.name, page)
        self.assertNotIn("o_support_case_form", page)
        response = self._post(
            f"{self.bag_b.access_url}/case",
            {"description": "Not my contract", "access_token": token},
        )
        self.assertRedirect(response, "/my")
        self.assertRedirect(
            self._get(
                f"{self.bag_b.access_url}/cancel?access_token={token}",
                allow_redirects=False,
            ),
            "/my",
        )
        self.assertFalse(self.bag_b.message_ids.filtered(lambda m: "Not my" in m.body))

    def test_public_visitor_is_sent_to_login(self):
        self.authenticate(None, None)
        for url in (
            "/my",
            "/my/support",
            "/my/support/page/2",
            self.bag_a.access_url,
            f"{self.bag_a.access_url}/cancel",
            f"{self.bag_a.access_url}/cancellation",
            "/my/support/claims/new",
            f"/report/pdf/{STATEMENT}/{self.bag_a.id}",
        ):
            with self.subTest(url=url):
                self.assertLoginRedirect(self._get(url))

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------
    def test_statement_download(self):
        self.authenticate("sup_portal_a2", "sup_portal_a2")
        response = self._get(f"{self.bag_a.access_url}?report_type=pdf&download=true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # Test mode renders the PDF's HTML: the logs are in it.
        self.assertIn("Objective of client A", response.text)
        self.assertNotIn("Secret objective of client B", response.text)

    def test_report_url_of_another_client_is_refused(self):
        self.authenticate("sup_portal_a", "sup_portal_a")
        own = self._get(f"/report/html/{STATEMENT}/{self.bag_a.id}")
        self.assertEqual(own.status_code, 200)
        self.assertIn("Objective of client A", own.text)
        cancellation = self.bag_b.sudo().action_cancel_by_policy(reason="Test")
        with mute_logger("odoo.http"):
            for url in (
                f"/report/pdf/{STATEMENT}/{self.bag_b.id}",
                f"/report/html/{STATEMENT}/{self.bag_b.id}",
                f"/report/pdf/{STATEMENT}/{self.bag_a.id},{self.bag_b.id}",
                f"/report/pdf/{CANCELLATION}/{cancellation.id}",
            ):
                with self.subTest(url=url):
                    response = self._get(url)
                    self.assertEqual(response.status_code, 403)
                    self.assertNotIn("Secret objective of client B", response.text)

    def test_backend_user_prints_the_statement(self):
        report = self.env.ref(
            "asesorateya_support.action_report_support_contract_statement"
        )
        html = (
            report.with_user(self.user_consultant)
            ._render_qweb_html(report, self.bag_a.ids)[0]
            .decode()
        )
        self.assertIn("Objective of client A", html)
        self.assertIn("01:30", html)
