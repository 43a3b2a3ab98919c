# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestSupportContract(SupportCommon):
    """The life of a contract: states, holds, locks, access (policy §3, §9, §10)."""

    def setUp(self):
        super().setUp()
        self.bag = self._sell(self.plan_bag, date="2026-03-01")

    def _draft(self, **values):
        vals = {
            "partner_id": self.client_a.id,
            "plan_id": self.plan_bag.id,
            "scope": "Validated scope",
        }
        vals.update(values)
        return self.env["support.contract"].create(vals)

    def _messages(self, contract, text):
        return contract.message_ids.filtered(lambda m: text in (m.body or ""))

    def test_create_defaults(self):
        contract = self._draft(partner_id=self.contact_a.id)
        self.assertEqual(contract.state, "draft")
        self.assertEqual(contract.partner_id, self.client_a, "always the company")
        self.assertEqual(contract.hours_included, 10.0, "from the plan")
        self.assertEqual(contract.company_id, self.company)
        self.assertNotEqual(contract.name, "/")
        self.assertEqual(contract.access_url, f"/my/support/{contract.id}")

    def test_bag_needs_scope(self):
        with self.assertRaisesText(ValidationError, "validated scope"):
            self._draft(scope=False)
        with self.assertRaisesText(ValidationError, "validated scope"):
            self.bag.scope = " "
        diagnosis = self._draft(plan_id=self.plan_diagnosis.id, scope=False)
        self.assertEqual(diagnosis.hours_included, 1.0)

    def test_confirm_and_start(self):
        contract = self._draft()
        contract.action_confirm()
        self.assertEqual(contract.state, "confirmed")
        with self.assertRaisesText(UserError, "is not possible"):
            contract.action_confirm()
        contract.action_start()
        self.assertEqual(contract.state, "active")
        with self.assertRaisesText(UserError, "is not possible"):
            contract.action_start()

    def test_hold_needs_reason(self):
        for reason in (False, "", "   "):
            with self.assertRaisesText(UserError, "reason is required"):
                self.bag.action_request_information(reason)
        self.assertEqual(self.bag.state, "confirmed")
        self._log(self.bag, 1.0)
        for reason in (False, "", "   "):
            with self.assertRaisesText(UserError, "reason is required"):
                self.bag.action_pause(reason)
        self.assertEqual(self.bag.state, "active")

    def test_wait_and_resume(self):
        self.bag.action_request_information("The case description is pending")
        self.assertEqual(self.bag.state, "waiting")
        self.assertEqual(self.bag.state_before_hold, "confirmed")
        self.assertEqual(self.bag.hold_reason, "The case description is pending")
        message = self._messages(self.bag, "The case description is pending")
        self.assertEqual(len(message), 1)
        self.assertIn(self.client_a, message.partner_ids)
        # Waiting is only for a service not started; pausing is for a running one.
        with self.assertRaisesText(UserError, "is not possible"):
            self.bag.action_pause("Again")
        with self.assertRaisesText(UserError, "is not possible"):
            self.bag.action_request_information("Again")
        self.bag.action_resume()
        self.assertEqual(self.bag.state, "confirmed")
        self.assertFalse(self.bag.hold_reason)
        self.assertFalse(self.bag.state_before_hold)
        self.assertEqual(len(self._messages(self.bag, "has resumed")), 1)

    def test_pause_and_resume(self):
        with self.assertRaisesText(UserError, "is not possible"):
            self.bag.action_pause("Not started yet")
        self._log(self.bag, 1.0)
        self.bag.action_pause("The work user for AsesórateYa is missing")
        self.assertEqual(self.bag.state, "paused")
        self.assertEqual(self.bag.state_before_hold, "active")
        self.assertTrue(self._messages(self.bag, "The work user for AsesórateYa"))
        with self.assertRaisesText(UserError, "takes no session logs"):
            self._log(self.bag, 1.0)
        self.assertEqual(self.bag.hours_used, 1.0, "no hour consumed while paused")
        self.bag.action_resume()
        self.assertEqual(self.bag.state, "active")
        with self.assertRaisesText(UserError, "is not possible"):
            self.bag.action_resume()
        self._log(self.bag, 1.0)
        self.assertEqual(self.bag.hours_used, 2.0)

    def test_hold_wizard(self):
        def hold(contract, reason):
            wizard_form = Form(
                self.env["support.contract.hold"]
                .with_user(self.user_consultant)
                .with_context(default_contract_id=contract.id)
            )
            wizard_form.reason = reason
            return wizard_form.save().action_confirm()

        action = hold(self.bag, "Waiting for the case description")
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        self.assertEqual(self.bag.state, "waiting")
        self.bag.action_resume()
        self._log(self.bag, 1.0)
        hold(self.bag, "Waiting for the access")
        self.assertEqual(self.bag.state, "paused")

    def test_action_done(self):
        self._log(self.bag, 2.0)
        self.bag.action_done()
        self.assertEqual(self.bag.state, "done")
        self.assertEqual(self.bag.date_end, date(2026, 3, 2))
        with self.assertRaisesText(UserError, "is not possible"):
            self.bag.action_done()
        with self.assertRaises(UserError):
            self.bag.action_cancel()

    def test_action_cancel(self):
        # A paid contract is cancelled through the policy (test_cancellation).
        with self.assertRaisesText(UserError, "was paid"):
            self.bag.action_cancel()
        self.assertEqual(self.bag.state, "confirmed")
        # Nothing paid, nothing done: a plain cancel.
        unpaid = self._draft()
        unpaid.action_confirm()
        unpaid.action_cancel()
        self.assertEqual(unpaid.state, "cancelled")
        self.assertEqual(unpaid.date_end, date(2026, 3, 2))
        with self.assertRaisesText(UserError, "is not possible"):
            unpaid.action_cancel()
        with self.assertRaisesText(UserError, "is not possible"):
            unpaid.action_done()

    def test_cancel_refused_with_sessions(self):
        self._log(self.bag, 0.5)
        with self.assertRaisesText(UserError, "has logged sessions"):
            self.bag.action_cancel()
        self.assertEqual(self.bag.state, "active")
        # Even with the log corrected down to nothing.
        self.bag.session_ids.action_correct(0.0, "Logged on the wrong client")
        self.assertEqual(self.bag.hours_used, 0.0)
        with self.assertRaisesText(UserError, "has logged sessions"):
            self.bag.action_cancel()

    def test_locked_once_started(self):
        other_plan = self._create_plan(
            "Bag 20 h", "hour_bag", 700000, hours_included=20.0
        )
        # Still confirmed: what was sold may be fixed.
        self.bag.write({"hours_included": 12.0, "amount_paid": 450000.0})
        self.assertEqual(self.bag.hours_remaining, 12.0)
        self._log(self.bag, 1.0)
        self.assertEqual(self.bag.state, "active")
        for vals in (
            {"hours_included": 20.0},
            {"plan_id": other_plan.id},
            {"partner_id": self.client_b.id},
            {"amount_paid": 1.0},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesText(UserError, "cannot change once"):
                    self.bag.with_user(self.user_manager).write(vals)
        self.assertEqual(self.bag.hours_included, 12.0)
        self.assertEqual(self.bag.partner_id, self.client_a)
        # The rest can change.
        self.bag.write({"user_id": self.user_manager.id, "access_mode": "work_user"})
        self.assertEqual(self.bag.user_id, self.user_manager)

    def test_only_draft_deleted(self):
        draft = self._draft()
        with self.assertRaises(AccessError):
            draft.with_user(self.user_consultant).unlink()
        draft.with_user(self.user_manager).unlink()
        self.assertFalse(draft.exists())
        with self.assertRaisesText(UserError, "Only draft contracts"):
            self.bag.with_user(self.user_manager).unlink()
        cancelled = self._draft()
        cancelled.action_cancel()
        with self.assertRaisesText(UserError, "Only draft contracts"):
            cancelled.sudo().unlink()
        self.assertTrue(cancelled.exists())

    def test_partner_is_commercial(self):
        contract = self._draft()
        with self.assertRaisesText(ValidationError, "Cliente A SpA"):
            contract.partner_id = self.contact_a
        self.assertEqual(contract.partner_id, self.client_a)

    def test_temporary_access(self):
        with self.assertRaisesText(ValidationError, "needs the dates"):
            self.bag.access_mode = "temporary"
        with self.assertRaisesText(ValidationError, "needs the dates"):
            self.bag.write(
                {"access_mode": "temporary", "access_date_from": "2026-03-01"}
            )
        with self.assertRaisesText(ValidationError, "cannot end before"):
            self.bag.write(
                {
                    "access_mode": "temporary",
                    "access_date_from": "2026-03-10",
                    "access_date_to": "2026-03-09",
                }
            )
        with self.assertRaisesText(ValidationError, "cannot end before"):
            self.bag.write(
                {
                    "access_mode": "work_user",
                    "access_date_from": "2026-03-10",
                    "access_date_to": "2026-03-09",
                }
            )
        self.bag.write(
            {
                "access_mode": "temporary",
                "access_date_from": "2026-03-10",
                "access_date_to": "2026-03-10",
            }
        )
        self.assertEqual(self.bag.access_mode, "temporary")

    def test_no_password_field(self):
        """The client's credentials are never stored (policy §3)."""
        for model in ("support.contract", "support.session", "support.plan"):
            fnames = [name for name in self.env[model]._fields if "password" in name]
            self.assertFalse(fnames, f"{model} must not store a password")

    def test_low_balance(self):
        self.assertFalse(self.bag.is_low_balance)
        self._log(self.bag, 7.5)
        self.assertFalse(self.bag.is_low_balance)
        self._log(self.bag, 0.5)
        self.assertTrue(self.bag.is_low_balance, "2 h left: the company threshold")
        self.bag.action_done()
        self.assertFalse(self.bag.is_low_balance)
