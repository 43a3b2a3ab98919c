# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SupportCommon

REASONS = "The contact form of the site does not deliver the messages to our inbox."


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestAgency(SupportCommon):
    """The web agency's claims (§7), revision rounds (§5.3) and breaches (§6)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.version = cls.env.ref("asesorateya_support.support_policy_agency_v1")
        cls.plan_project = cls._create_plan(
            "Web project",
            "project",
            2000000,
            policy_id=cls.env.ref("asesorateya_support.support_policy_agency").id,
        )
        cls.project = cls._sell(cls.plan_project, cls.contact_a, date="2026-02-02")
        cls.project.write(
            {
                "user_id": cls.user_consultant.id,
                "amount_total": 2000000,
                "project_item_ids": [
                    Command.create({"name": "Design", "weight": 40}),
                    Command.create({"name": "Shop and payment gateway", "weight": 60}),
                ],
            }
        )
        cls.project.action_start("2026-02-05")
        cls.order = cls.project.sale_order_id

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _claim(self, user=None, **values):
        vals = {
            "partner_id": self.client_a.id,
            "contract_id": self.project.id,
            "claim_type": "review",
            "document_reference": self.order.name,
            "contract_date": "2026-02-02",
            "reasons": REASONS,
        }
        vals.update(values)
        claim = (
            self.env["support.claim"]
            .with_user(user or self.user_consultant)
            .create(vals)
        )
        return claim.with_env(self.env)

    def _revision(self, contract=None, user=None):
        revision = (
            self.env["support.revision"]
            .with_user(user or self.user_consultant)
            .create(
                {
                    "contract_id": (contract or self.project).id,
                    "description": "Change the colours of the home page",
                }
            )
        )
        return revision.with_env(self.env)

    def _breach(self, **values):
        vals = {
            "contract_id": self.project.id,
            "description": "The agreed payment gateway is not implemented.",
        }
        vals.update(values)
        breach = self.env["support.breach"].with_user(self.user_consultant).create(vals)
        return breach.with_env(self.env)

    def _unremedied_breach(self):
        with freeze_time("2026-02-10 12:00:00"):
            breach = self._breach()
        self.env["support.breach"]._cron_mark_unremedied()
        self.assertEqual(breach.state, "unremedied")
        return breach

    def _money_documents(self):
        """What could carry money to or from the client."""
        return {
            model: self.env[model].search_count([])
            for model in (
                "account.move",
                "support.credit",
                "support.cancellation",
                "sale.order",
                "sale.order.line",
            )
        }

    # ------------------------------------------------------------------
    # Claims (§7)
    # ------------------------------------------------------------------
    def test_claim_requires_reference_date_and_reasons(self):
        with self.assertRaisesText(ValidationError, "agency policy §7.1"):
            self._claim(document_reference=False)
        with self.assertRaisesText(ValidationError, "contract or invoice number"):
            self._claim(document_reference="  ")
        with self.assertRaisesText(ValidationError, "the date of the contract"):
            self._claim(contract_date=False)
        for reasons in (
            False,
            "   ",
            "Not happy with it",
            "a b c d e f g h i j k l m n",
        ):
            with self.assertRaisesText(
                ValidationError, "reasons of the claim in detail"
            ):
                self._claim(reasons=reasons)
        claim = self._claim()
        self.assertTrue(claim.name.startswith("CLM/2026/"))
        self.assertEqual(claim.state, "received")
        self.assertEqual(claim.access_url, f"/my/support/claims/{claim.id}")
        with self.assertRaisesText(ValidationError, "§7.1"):
            claim.reasons = "Too short"
        with self.assertRaisesText(ValidationError, "§7.1"):
            claim.document_reference = False

    def test_claim_partner_is_the_contract_client(self):
        claim = self._claim(partner_id=self.contact_a.id)
        self.assertEqual(claim.partner_id, self.client_a, "always the company")
        self.assertEqual(self._claim(partner_id=False).partner_id, self.client_a)
        with self.assertRaisesText(ValidationError, "is a contract of"):
            self._claim(partner_id=self.client_b.id)

    def test_claim_form_prefills_from_the_contract(self):
        form = Form(self.env["support.claim"].with_user(self.user_consultant))
        form.contract_id = self.project
        form.claim_type = "aesthetic"
        form.reasons = REASONS
        self.assertEqual(form.partner_id, self.client_a)
        self.assertEqual(form.document_reference, self.order.name)
        self.assertEqual(form.contract_date, date(2026, 2, 2))
        self.assertEqual(form.clause, "§5.4")
        self.assertIn("§5.4", form.answer)
        claim = form.save()
        self.assertEqual(claim.state, "received", "prefilled, not answered")

    def test_claim_due_date_from_the_policy(self):
        claim = self._claim()
        self.assertEqual(claim.policy_version_id, self.version)
        self.assertEqual(claim.date_received, date(2026, 3, 2))
        self.assertEqual(claim.date_due, date(2026, 3, 12), "10 days (agency v1)")
        claim = self._claim(date_received="2026-02-25")
        self.assertEqual(claim.date_due, date(2026, 3, 7))
        # Without a contract: the company's default policy, in force that day.
        policy = self.env["support.policy"].create(
            {
                "name": "Fast answers",
                "company_id": self.company.id,
                "version_ids": [
                    Command.create(
                        {"date_from": "2026-01-01", "claim_response_days": 5}
                    )
                ],
            }
        )
        self.company.support_policy_id = policy
        claim = self._claim(contract_id=False, partner_id=self.client_b.id)
        self.assertEqual(claim.policy_version_id, policy.version_ids)
        self.assertEqual(claim.date_due, date(2026, 3, 7))

    def test_claim_activity_for_whoever_answers(self):
        claim = self._claim()
        self.assertEqual(claim.activity_ids.user_id, self.user_consultant)
        self.assertEqual(claim.activity_ids.date_deadline, claim.date_due)
        claim = self._claim(contract_id=False, partner_id=self.client_b.id)
        self.assertEqual(
            claim.activity_ids.user_id, self.user_manager, "no contract: a manager"
        )
        self.assertEqual(claim.activity_ids.date_deadline, date(2026, 3, 12))

    def test_claim_answered_with_reasons(self):
        claim = self._claim()
        as_consultant = claim.with_user(self.user_consultant)
        for answer in (None, "", "   ", "No."):
            with self.assertRaisesText(UserError, "reasoned answer"):
                as_consultant.action_answer(answer)
        answer = (
            "We reviewed the site: the outgoing mail server was misconfigured; "
            "it is fixed and the form delivers the messages again."
        )
        as_consultant.action_answer(answer)
        self.assertEqual(claim.state, "answered")
        self.assertEqual(claim.answer, answer)
        self.assertEqual(claim.answered_by_id, self.user_consultant)
        self.assertTrue(claim.answered_on)
        self.assertFalse(claim.activity_ids, "the activity is done")
        self.assertTrue(
            claim.message_ids.filtered(lambda m: "outgoing mail server" in m.body)
        )
        with self.assertRaisesText(UserError, "already answered"):
            as_consultant.action_answer(answer)
        with self.assertRaisesText(UserError, "no longer changes"):
            claim.with_user(self.user_manager).reasons = REASONS + " And more."
        with self.assertRaisesText(UserError, "never deleted"):
            claim.with_user(self.user_manager).unlink()

    def test_claim_overdue(self):
        late = self._claim(date_received="2026-02-10")
        on_time = self._claim()
        self.assertEqual(late.date_due, date(2026, 2, 20))
        self.assertTrue(late.is_overdue)
        self.assertFalse(on_time.is_overdue)
        Claim = self.env["support.claim"]
        self.assertEqual(Claim.search([("is_overdue", "=", True)]), late)
        self.assertIn(on_time, Claim.search([("is_overdue", "=", False)]))
        late.action_answer("We checked the form and it works: see the test video.")
        self.assertFalse(late.is_overdue, "answered, even late")
        self.assertFalse(Claim.search([("is_overdue", "=", True)]))

    def test_aesthetic_and_non_publication_claims_change_no_amount(self):
        before = self._money_documents()
        amounts = self.project.read(
            ["amount_total", "amount_deposit", "amount_paid", "state"]
        )
        aesthetic = self._claim(claim_type="aesthetic")
        self.assertEqual(aesthetic.clause, "§5.4")
        aesthetic.with_user(self.user_consultant).action_answer()
        self.assertEqual(aesthetic.state, "answered")
        self.assertIn("§5.4", aesthetic.answer, "the clause's answer")

        unpublished = self._claim(claim_type="non_publication")
        unpublished.action_answer(
            "The site is ready: you may publish it whenever you want to."
        )
        self.assertEqual(unpublished.clause, "§4.4")
        self.assertIn("publish it whenever", unpublished.answer)
        self.assertIn("§4.4", unpublished.answer, "the clause is cited")

        refund = self._claim(claim_type="refund")
        refund.action_answer(
            "The deposit covers the work already done (agency policy §3.3)."
        )
        self.assertEqual(self._money_documents(), before)
        self.assertEqual(
            self.project.read(
                ["amount_total", "amount_deposit", "amount_paid", "state"]
            ),
            amounts,
        )

    # ------------------------------------------------------------------
    # Revision rounds (§5.3)
    # ------------------------------------------------------------------
    def test_included_rounds_then_a_billed_extra_round(self):
        lines = self.order.order_line
        first, second = self._revision(), self._revision()
        self.assertEqual((first.number, second.number), (1, 2))
        self.assertFalse(first.is_extra or second.is_extra)
        self.assertFalse(first.sale_line_id or second.sale_line_id)
        self.assertEqual(self.order.order_line, lines, "included: nothing billed")
        self.assertEqual(self.project.revision_count, 2)
        self.assertEqual(self.project.revision_rounds_included, 2)

        third = self._revision()
        self.assertEqual(third.number, 3)
        self.assertTrue(third.is_extra)
        self.assertEqual(third.price, 150000)
        line = third.sale_line_id
        self.assertEqual(line.order_id, self.order, "the project's confirmed order")
        self.assertEqual(
            line.product_id,
            self.env.ref("asesorateya_support.product_extra_revision_round"),
        )
        self.assertEqual(line.tax_id, self.tax_iva, "the project's taxes")
        self.assertEqual(line.price_total, 150000, "IVA included")
        self.assertEqual(line.price_subtotal, 126050)
        self.assertEqual(line.qty_to_invoice, 1, "billable")
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.project.revision_count, 3)
        self.assertEqual(self.project.revision_extra_count, 1)
        self.assertTrue(
            self.project.message_ids.filtered(lambda m: "exceeds the 2" in m.body)
        )
        with self.assertRaisesText(UserError, "never change"):
            third.with_user(self.user_manager).number = 2
        with self.assertRaisesText(UserError, "never deleted"):
            first.with_user(self.user_manager).unlink()

    def test_extra_round_of_a_project_without_order(self):
        tax_excluded = self.env["account.tax"].create(
            {
                "name": "IVA 19%",
                "amount": 19.0,
                "type_tax_use": "sale",
                "company_id": self.company.id,
                "tax_group_id": self.tax_group.id,
            }
        )
        self.company.account_sale_tax_id = tax_excluded
        self.client_b.with_company(
            self.company
        ).property_product_pricelist = self.pricelist
        project = self.env["support.contract"].create(
            {
                "partner_id": self.client_b.id,
                "plan_id": self.plan_project.id,
                "amount_total": 1000000,
                "date_purchase": "2026-02-20",
                "project_item_ids": [Command.create({"name": "Site", "weight": 100})],
            }
        )
        project.action_confirm()
        self.assertEqual(project.policy_version_id, self.version)
        rounds = [self._revision(project) for _round in range(4)]
        third, fourth = rounds[2:]
        order = third.sale_line_id.order_id
        self.assertEqual(order.partner_id, self.client_b)
        self.assertEqual(order.state, "draft", "a quotation for the client")
        self.assertEqual(fourth.sale_line_id.order_id, order, "the same quotation")
        for line in order.order_line:
            self.assertEqual(line.tax_id, tax_excluded, "the company's sale tax")
            self.assertEqual(line.price_total, 150000, "IVA included")
        self.assertEqual(order.amount_total, 300000)

    def test_rounds_only_on_a_running_project(self):
        bag = self._sell(self.plan_bag)
        with self.assertRaisesText(UserError, "Only a project"):
            self._revision(bag)
        self.project.action_done()
        with self.assertRaisesText(UserError, "is not possible"):
            self._revision()

    # ------------------------------------------------------------------
    # Objective breaches (§6)
    # ------------------------------------------------------------------
    def test_breach_deadline_then_unremedied(self):
        breach = self._breach()
        self.assertTrue(breach.name.startswith("BRE/2026/"))
        self.assertEqual(breach.state, "open")
        self.assertEqual(breach.date_correction_due, date(2026, 3, 17), "15 days")
        self.assertEqual(breach.compensation_type, "non_monetary")
        self.assertEqual(breach.activity_ids.user_id, self.user_consultant)
        self.assertEqual(breach.activity_ids.date_deadline, date(2026, 3, 17))
        cron = self.env.ref("asesorateya_support.ir_cron_breach_unremedied")
        with freeze_time("2026-03-17 12:00:00"):
            cron.method_direct_trigger()
        self.assertEqual(breach.state, "open", "the last day is still in time")
        with freeze_time("2026-03-18 12:00:00"):
            cron.method_direct_trigger()
            self.assertEqual(breach.state, "unremedied")
            messages = breach.message_ids
            self.assertEqual(breach.activity_ids.user_id, self.user_manager)
            # Idempotent: a second run changes nothing.
            self.assertFalse(self.env["support.breach"]._cron_mark_unremedied())
            cron.method_direct_trigger()
        self.assertEqual(breach.state, "unremedied")
        self.assertEqual(breach.message_ids, messages)
        self.assertEqual(len(breach.activity_ids), 1)

    def test_breach_remedied_in_time(self):
        breach = self._breach()
        as_consultant = breach.with_user(self.user_consultant)
        with self.assertRaisesText(UserError, "how the breach was remedied"):
            as_consultant.action_remedy(" ")
        with freeze_time("2026-03-10 12:00:00"):
            as_consultant.action_remedy("Webpay is live and tested with the client.")
        self.assertEqual(breach.state, "remedied")
        self.assertEqual(breach.remedied_on, date(2026, 3, 10))
        self.assertEqual(breach.remedied_by_id, self.user_consultant)
        self.assertFalse(breach.is_remedied_late)
        self.assertFalse(breach.activity_ids)
        with freeze_time("2026-04-01 12:00:00"):
            self.assertFalse(self.env["support.breach"]._cron_mark_unremedied())
        self.assertEqual(breach.state, "remedied")
        with self.assertRaisesText(UserError, "did not remedy in time"):
            as_consultant.action_record_compensation("A free extra round")
        with self.assertRaisesText(UserError, "kept as it was recorded"):
            as_consultant.description = "Something else"
        with self.assertRaisesText(UserError, "never deleted"):
            breach.with_user(self.user_manager).unlink()

    def test_breach_compensation_non_monetary_by_default(self):
        breach = self._unremedied_breach()
        before = self._money_documents()
        as_consultant = breach.with_user(self.user_consultant)
        with self.assertRaisesText(UserError, "Describe the compensation"):
            as_consultant.action_record_compensation()
        as_consultant.action_record_compensation(
            "Two extra revision rounds and the blog section at no charge."
        )
        self.assertEqual(breach.compensation_type, "non_monetary")
        self.assertEqual(breach.compensation_date, date(2026, 3, 2))
        self.assertEqual(breach.compensation_by_id, self.user_consultant)
        self.assertFalse(breach.activity_ids)
        self.assertEqual(self._money_documents(), before, "no money document")
        with self.assertRaisesText(UserError, "no longer changes"):
            breach.with_user(self.user_manager).compensation_note = "Other"
        # A late remedy is still recorded.
        as_consultant.action_remedy("Webpay is live.")
        self.assertEqual(breach.state, "remedied")
        self.assertTrue(breach.is_remedied_late)

    def test_deposit_refund_needs_a_manager_and_a_written_exception(self):
        breach = self._unremedied_breach()
        before = self._money_documents()
        note = "The deposit is refunded: the site was never delivered."
        agreement = "Agreement signed on 2026-03-01 by both parties: deposit refunded."
        as_consultant = breach.with_user(self.user_consultant)
        with self.assertRaisesText(AccessError, "Only a support manager"):
            as_consultant.action_record_compensation(note, "deposit_refund", agreement)
        with self.assertRaisesText(AccessError, "Only a support manager"):
            as_consultant.compensation_type = "deposit_refund"
        as_manager = breach.with_user(self.user_manager)
        for text in (None, "", "   "):
            with self.assertRaisesText(ValidationError, "express written agreement"):
                as_manager.action_record_compensation(note, "deposit_refund", text)
        self.assertFalse(breach.compensation_date)
        self.assertEqual(breach.compensation_type, "non_monetary")
        as_manager.action_record_compensation(note, "deposit_refund", agreement)
        self.assertEqual(breach.compensation_type, "deposit_refund")
        self.assertEqual(breach.exception_text, agreement)
        self.assertEqual(breach.compensation_by_id, self.user_manager)
        self.assertEqual(self._money_documents(), before, "no money document")

    def test_breach_only_on_an_agreed_project(self):
        with self.assertRaisesText(ValidationError, "on a project"):
            self._breach(contract_id=self._sell(self.plan_bag).id)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_portal_client_sees_only_its_claims(self):
        claim_a = self._claim()
        bag_b = self._sell(self.plan_bag, self.client_b)
        claim_b = self._claim(
            partner_id=self.client_b.id,
            contract_id=bag_b.id,
            document_reference=bag_b.sale_order_id.name,
        )
        Claim = self.env["support.claim"]
        portal_b = Claim.with_user(self.user_portal_b)
        with self.assertRaises(AccessError):
            portal_b.browse(claim_a.id).read(["name", "reasons"])
        self.assertEqual(portal_b.search([]), claim_b)
        portal_a2 = Claim.with_user(self.user_portal_a2)
        self.assertEqual(portal_a2.search([]), claim_a, "the same client's contact")
        self.assertEqual(portal_a2.browse(claim_a.id).reasons, REASONS)
        with self.assertRaises(AccessError):
            portal_a2.browse(claim_a.id).write({"reasons": REASONS + " Again."})
        with self.assertRaises(AccessError):
            self.env["support.breach"].with_user(self.user_portal_a).search([])
        other_company = Claim.with_user(self.user_consultant_b).with_context(
            allowed_company_ids=self.company_b.ids
        )
        self.assertFalse(other_company.search([]))
