# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo.tests import tagged

from ..const import CLOSE_MAIL_TEMPLATE, QWEB_COMPILE_ONCE
from .common_mail import SupportMailCommon

CYCLE_CLOSED = "Cycle closed on"


@tagged("post_install", "-at_install")
class TestSupportMailCycleClose(SupportMailCommon):
    """The close of each monthly cycle (policy §4, §7, §9): once per cycle."""

    def setUp(self):
        super().setUp()
        self.contract = self._sell(self.plan_monthly, date="2026-01-10")
        self.contract.action_start("2026-01-10")

    def test_cycle_close_once(self):
        contract = self.contract
        first = contract.current_period_id
        self._log_on(contract, "2026-01-20", 3.0)
        with self.mock_mail_gateway():
            self._roll("2026-02-10")
        self.assertEqual(first.state, "closed")
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            fields_values={
                "subject": f"{CYCLE_CLOSED} {contract.name}: "
                f"{self._day(first.date_start)} to {self._day(first.date_end)}"
            },
        )
        for text in (
            "Hours used: <strong>03:00</strong> of",
            "08:00",
            "Hours expired: <strong>05:00</strong>",
            "do not roll over",
            "Meetings held:",
            "your priorities for the next cycle",
        ):
            self.assertIn(text, mail.body_html)
        self.assertNotIn("carried over", mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a)), 1)
        self.assertEqual(
            len(
                self._client_mails(contract).filtered(
                    lambda m: CYCLE_CLOSED in (m.subject or "")
                )
            ),
            1,
            "on the contract's chatter",
        )
        # The team's note stays.
        self.assertTrue(
            contract.message_ids.filtered(lambda m: "05:00 h expired" in (m.body or ""))
        )
        # The cron again, the same day and the next: nothing new.
        with self.mock_mail_gateway():
            self._roll("2026-02-10")
            self._roll("2026-02-11")
        self.assertFalse(self._mails_to(self.client_a))

    def test_missed_cycles_each_told(self):
        with self.mock_mail_gateway():
            self._roll("2026-04-15")
        self.assertEqual(len(self._mails_to(self.client_a, CYCLE_CLOSED)), 3)

    def test_no_cycle_mail_when_the_service_ends(self):
        with freeze_time("2026-01-25 12:00:00"), self.mock_mail_gateway():
            self.contract.action_done()
        self.assertEqual(self.contract.period_ids.state, "closed")
        self.assertFalse(self._mails_to(self.client_a, CYCLE_CLOSED))

    def test_one_batch_each_client_once_in_its_language(self):
        """One run of the cycle emails renders and queues them together
        (``_send_client_mails_batch``): each client gets its own, once, in
        its language, on its contract's chatter; a follower of a contract is
        told; a client nobody can email gets a to-do instead."""
        self.env["res.lang"]._activate_lang("es_CL")
        self.env.ref("base.module_asesorateya_support")._update_translations(["es_CL"])
        (self.client_b | self.contact_b).lang = "es_CL"
        contract_b = self._sell(self.plan_monthly, self.contact_b, date="2026-01-10")
        contract_b.action_start("2026-01-10")
        client_c = self.env["res.partner"].create(
            {"name": "Cliente C sin correo", "is_company": True}
        )
        contract_c = self._sell(self.plan_monthly, client_c, date="2026-01-10")
        contract_c.action_start("2026-01-10")
        contract_b.message_subscribe(self.user_manager.partner_id.ids)
        with self.mock_mail_gateway():
            self._roll("2026-02-10")
        self.assertEqual(
            set((self.contract | contract_b | contract_c).period_ids.mapped("state")),
            {"closed", "open"},
        )
        english = self._mails_to(self.client_a)
        self.assertEqual(len(english), 1)
        self.assertIn(CYCLE_CLOSED, english.subject)
        spanish = self._mails_to(self.contact_b)
        self.assertEqual(len(spanish), 1)
        self.assertIn(f"Ciclo cerrado en {contract_b.name}", spanish.subject)
        self.assertIn("Horas utilizadas", spanish.body_html)
        self.assertEqual(spanish.state, "outgoing")
        message = self._client_mails(contract_b, self.contact_b).filtered(
            lambda m: "Ciclo cerrado" in (m.subject or "")
        )
        self.assertEqual(len(message), 1, "on the contract's chatter, once")
        self.assertEqual(message.mail_ids, spanish)
        self.assertEqual(message.message_type, "comment")
        # The client, and the followers of the contract's comments (the
        # manager subscribed above among them), as a comment notifies them.
        followers = (
            contract_b.message_follower_ids.filtered(
                lambda f: self.env.ref("mail.mt_comment") in f.subtype_ids
            ).partner_id
            - self.env.user.partner_id
        )
        self.assertIn(self.user_manager.partner_id, followers)
        self.assertEqual(
            message.notification_ids.res_partner_id, self.contact_b | followers
        )
        # Nobody at client C has an email: the comment is addressed to nobody
        # (its followers are told), and the consultant is asked to tell them.
        comment = contract_c.message_ids.filtered(
            lambda m: CYCLE_CLOSED in (m.subject or "")
        )
        self.assertEqual(len(comment), 1)
        self.assertFalse(comment.partner_ids)
        self.assertFalse(self._mails_to(client_c))
        self.assertEqual(len(self._activities(contract_c, CYCLE_CLOSED)), 1)
        # The next run has nothing left to send.
        with self.mock_mail_gateway():
            self.cron_close_mails.method_direct_trigger()
        self.assertFalse(self._new_mails)

    def test_body_compiled_once_renders_as_odoo(self):
        """The batched emails compile the template's body and its inline
        expressions once for all the cycles (``mail.template``'s
        ``_render_template_qweb`` and ``_render_template_inline_template``):
        what each gets is what Odoo's rendering, which compiles them for
        each, gives."""
        self._log_on(self.contract, "2026-01-20", 2.5)
        with self.mock_mail_gateway():
            self._roll("2026-04-15")
        periods = self.contract.period_ids
        self.assertGreater(len(periods), 2)
        template = self.env.ref(CLOSE_MAIL_TEMPLATE).sudo()
        render_fields = ["subject", "body_html", "email_from", "partner_to"]
        odoo_way = template._generate_template(periods.ids, render_fields)
        once = template.with_context(**{QWEB_COMPILE_ONCE: True})._generate_template(
            periods.ids, render_fields
        )
        self.assertEqual(once, odoo_way)
        # The compiled rendering itself (no fall-back to Odoo's way).
        args = (template.body_html, periods._name, periods.ids)
        self.assertEqual(
            template._render_template_qweb_compiled(*args),
            template._render_template_qweb(*args),
        )
        self.assertIn("02:30", once[periods[0].id]["body_html"])
        # The inline templates, each expression compiled once.
        for fname in ("subject", "email_from", "partner_to", "lang"):
            args = (template[fname], periods._name, periods.ids)
            self.assertEqual(
                template._render_template_inline_template_compiled(*args),
                template._render_template_inline_template(*args),
                fname,
            )

    def test_paused_service_cycle_close(self):
        self._log_on(self.contract, "2026-01-20", 1.0)
        with freeze_time("2026-01-25 12:00:00"):
            self.contract.action_pause("Your priorities")
        with self.mock_mail_gateway():
            self._roll("2026-02-10")
        mail = self._mails_to(self.client_a, CYCLE_CLOSED)
        self.assertEqual(len(mail), 1)
        self.assertIn("the next cycle begins when the service resumes", mail.body_html)


@tagged("post_install", "-at_install")
class TestSupportMailCancellation(SupportMailCommon):
    """A cancellation (policy §10): one email when it waits for a manager,
    one when it is settled, each with the explanation of the quote."""

    def setUp(self):
        super().setUp()
        self.bag = self._sell(self.plan_bag, date="2026-03-02")
        self._log_on(self.bag, "2026-03-20", 3.5)

    @freeze_time("2026-04-10 12:00:00")
    def test_settled_at_once(self):
        bag = self.bag
        with self.mock_mail_gateway():
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                reason="The client closes the project"
            )
        self.assertEqual(
            (cancellation.state, cancellation.decision), ("done", "credit")
        )
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            fields_values={"subject": f"Cancellation of {bag.name} settled"},
        )
        credit = cancellation.credit_id
        for text in (
            "A credit of",
            "260,000",
            credit.name,
            self._day(credit.date_expiry),
            "How it was calculated",
            "§10",
        ):
            self.assertIn(text, mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a)), 1, "one email")
        # The team keeps its note of the request, not sent to the client.
        note = bag.message_ids.filtered(
            lambda m: "Cancellation requested" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertTrue(note.subtype_id.internal)
        self.assertFalse(note.partner_ids)

    @freeze_time("2026-04-10 12:00:00")
    def test_request_then_decision(self):
        bag = self.bag
        with self.mock_mail_gateway():
            cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
                preference="refund", reason="The client wants the money back"
            )
        cancellation = cancellation.with_env(self.env)
        self.assertEqual(cancellation.state, "to_approve")
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            fields_values={
                "subject": f"We received your cancellation request for {bag.name}"
            },
        )
        for text in (
            cancellation.name,
            "You asked for a refund.",
            "What the policy gives",
            "§10",
            "we will write to you with the decision",
        ):
            self.assertIn(text, mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a)), 1)

        with self.mock_mail_gateway():
            cancellation.with_user(self.user_manager).action_grant_credit("§10")
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            author=self.user_manager.partner_id,
            fields_values={"subject": f"Cancellation of {bag.name} settled"},
        )
        self.assertIn(cancellation.credit_id.name, mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a)), 1)
        self.assertEqual(
            len(
                self._client_mails(bag).filtered(
                    lambda m: "ancellation" in (m.subject or "")
                )
            ),
            2,
        )

    @freeze_time("2026-03-25 12:00:00")
    def test_monthly_cancelled_no_cycle_mail(self):
        contract = self._sell(self.plan_monthly, date="2026-03-02")
        contract.action_start("2026-03-02")
        with self.mock_mail_gateway():
            contract.action_cancel_by_policy()
        self.assertFalse(self._mails_to(self.client_a, "Cycle closed"))
        self.assertEqual(len(self._mails_to(self.client_a, "Cancellation of")), 1)
