# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import uuid
from contextlib import closing

from psycopg2.errors import SerializationFailure

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests.common import new_test_user, tagged
from odoo.tools import mute_logger

from .common_concurrency import SupportConcurrencyCase

GROUP_CONSULTANT = "asesorateya_support.asesorateya_support_group_user"
GROUP_MANAGER = "asesorateya_support.asesorateya_support_group_manager"
#: A 10 h bag paid 400 with 3 h used: 120 of work done, 280 to give back.
PAID, REFUNDABLE = 400.0, 280.0


@tagged("post_install", "-at_install")
class TestSupportCancellationConcurrency(SupportConcurrencyCase):
    """One cancellation confirmed twice at once, or one refund request decided
    by two managers at once, settles once: one winner, the other told clearly,
    one ``support.cancellation``, one credit note or one credit, the amount
    given back counted once."""

    def setUp(self):
        super().setUp()
        suffix = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            plan = self._create_plan(
                env, "Cancellation race bag", "hour_bag", PAID, hours_included=10.0
            )
            partner = env["res.partner"].create(
                {
                    "name": "Cancellation race client",
                    "is_company": True,
                    "email": "race@client.test",
                    "lang": "en_US",
                }
            )
            company_vals = {
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
            }
            users = {
                name: new_test_user(
                    env,
                    login=f"race_{name}_{suffix}",
                    groups=group,
                    **company_vals,
                )
                for name, group in (
                    ("consultant", GROUP_CONSULTANT),
                    ("manager_1", GROUP_MANAGER),
                    ("manager_2", GROUP_MANAGER),
                )
            }
            self._create_employees(env, users["consultant"], company)
            contract = env["support.contract"].create(
                {
                    "partner_id": partner.id,
                    "plan_id": plan.id,
                    "company_id": company.id,
                    "scope": "Cancellation race scope",
                    "amount_paid": PAID,
                    "state": "confirmed",
                }
            )
            # The service started: the policy gives a credit of the unused
            # hours, or a refund if a manager approves it.
            env["support.session"].with_user(users["consultant"]).create(
                {
                    "contract_id": contract.id,
                    "duration": 3.0,
                    "objective": "Review the issue",
                    "activity": "Fixed the configuration",
                }
            )
            self.data = {
                **self._plan_data(plan),
                "partner": partner.id,
                "users": {name: user.id for name, user in users.items()},
                "contract": contract.id,
            }
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        data = self.data
        with self.registry.cursor() as cr:
            env = self._env(cr)
            # A credit's credit note is restricted: the credit goes first.
            cr.execute(
                "UPDATE support_credit SET move_id = NULL WHERE partner_id = %s",
                [data["partner"]],
            )
            cr.execute(
                "SELECT id FROM account_move WHERE partner_id = %s", [data["partner"]]
            )
            self._sql_delete(cr, "account.move", [row[0] for row in cr.fetchall()])
            for model, field in (
                ("support.credit", "partner_id"),
                ("support.cancellation", "contract_id"),
                ("support.session", "contract_id"),
            ):
                value = data["contract" if field == "contract_id" else "partner"]
                self._sql_delete(
                    cr, model, env[model].search([(field, "=", value)]).ids
                )
            self._remove_support_timesheets(
                cr, [data["partner"]], data["users"].values()
            )
            self._sql_delete(cr, "support.contract", [data["contract"]])
            env.invalidate_all()
            self._remove_plan(env, data)
            users = env["res.users"].browse(data["users"].values())
            partners = users.partner_id | env["res.partner"].browse(data["partner"])
            users.unlink()
            partners.unlink()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _uid(self, name):
        return self.data["users"][name]

    def _contract(self, env):
        return env["support.contract"].browse(self.data["contract"])

    def _see_contract(self, env):
        """What the user has on screen: the contract, still cancellable."""
        self._contract(env).read(["state", "hours_remaining", "cancellation_ids"])

    def _see_request(self, env):
        """What the manager has on screen: the request, still pending."""
        self._contract(env).cancellation_ids.read(["state", "refundable_amount"])

    def _request_refund(self):
        """The consultant records the client's request for a refund: it waits
        for a manager (committed)."""
        with self.registry.cursor() as cr:
            env = self._env(cr, self._uid("consultant"))
            cancellation = self._contract(env).action_cancel_by_policy(
                preference="refund", reason="The client wants the money back"
            )
            self.assertEqual(cancellation.state, "to_approve")
            return cancellation.id

    def _message_count(self, env):
        """Messages on the contract's chatter: emails, notes and tracking."""
        return env["mail.message"].search_count(
            [("model", "=", "support.contract"), ("res_id", "=", self.data["contract"])]
        )

    def _messages(self, env, text):
        """Messages on the contract whose subject or body contains ``text``."""
        return env["mail.message"].search(
            [
                ("model", "=", "support.contract"),
                ("res_id", "=", self.data["contract"]),
                "|",
                ("subject", "ilike", text),
                ("body", "ilike", text),
            ]
        )

    def _assert_one_settlement_email(self, env):
        """The client is emailed the settlement once, through the queue."""
        message = self._messages(env, "settled")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.message_type, "comment")
        mails = env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids.ids, [self.data["partner"]])

    def _one_winner(self, results, error_text):
        """Exactly one call succeeded at its first try; the other was retried
        and refused with a ``UserError`` saying ``error_text``.

        :return: the index of the winner
        """
        outcomes = [outcome for outcome, _attempts in results]
        errors = [o for o in outcomes if isinstance(o, Exception)]
        self.assertEqual(len(errors), 1, outcomes)
        loser = outcomes.index(errors[0])
        winner = 1 - loser
        self.assertIsInstance(errors[0], UserError, repr(errors[0]))
        self.assertIn(error_text, str(errors[0]))
        self.assertEqual(results[winner][1], 1, results)
        self.assertGreater(results[loser][1], 1, "the loser waited, then was retried")
        return winner

    def _settled_once(self, env, decision):
        """In a fresh transaction: one cancellation, settled with ``decision``,
        and exactly one document giving back the refundable amount."""
        contract = self._contract(env)
        self.assertEqual(contract.state, "cancelled")
        cancellation = env["support.cancellation"].search(
            [("contract_id", "=", contract.id)]
        )
        self.assertEqual(len(cancellation), 1)
        self.assertEqual(cancellation.state, "done")
        self.assertEqual(cancellation.decision, decision)
        self.assertEqual(
            cancellation.refund_amount + cancellation.credit_amount, REFUNDABLE
        )
        self.assertFalse(cancellation.activity_ids, "the manager's to-do is done")
        refunds = env["account.move"].search(
            [
                ("partner_id", "=", self.data["partner"]),
                ("move_type", "=", "out_refund"),
            ]
        )
        credits = env["support.credit"].search([("contract_id", "=", contract.id)])
        if decision == "refund":
            self.assertEqual(refunds, cancellation.refund_move_id)
            self.assertEqual(refunds.state, "posted")
            self.assertEqual(refunds.amount_total, REFUNDABLE)
            self.assertFalse(credits)
        else:
            # The credit's own credit note, left open (README "Books").
            self.assertEqual(refunds, credits.move_id)
            self.assertEqual(refunds.amount_residual, REFUNDABLE)
            self.assertEqual(credits, cancellation.credit_id)
            self.assertEqual(credits.amount, REFUNDABLE)
            self.assertEqual(credits.amount_remaining, REFUNDABLE)
        return cancellation

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    @mute_logger("odoo.service.model", "odoo.sql_db")
    def test_same_cancellation_confirmed_twice_at_once(self):
        """The consultant confirms the wizard while a manager cancels the same
        contract: one cancellation, one credit; the other is told it is done."""
        with self.registry.cursor() as cr:
            messages_before = self._message_count(self._env(cr))

        def confirm_wizard(env):
            wizard = env["support.contract.cancel"].create(
                {
                    "contract_id": self.data["contract"],
                    "reason": "Asked by phone",
                }
            )
            return wizard.action_confirm()

        def cancel(env):
            return self._contract(env).action_cancel_by_policy(reason="Asked by email")

        results = self._at_once(
            (self._uid("consultant"), self._see_contract, confirm_wizard),
            (self._uid("manager_1"), self._see_contract, cancel),
        )
        self._one_winner(results, "is already cancelled")
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cancellation = self._settled_once(env, "credit")
            self.assertEqual(cancellation.amount_paid, PAID)
            # The state's tracking, one note for the team, one email to the
            # client (the settlement), queued once.
            self.assertEqual(self._message_count(env), messages_before + 3)
            self.assertEqual(len(self._messages(env, "Cancellation requested")), 1)
            self._assert_one_settlement_email(env)

    @mute_logger("odoo.service.model", "odoo.sql_db")
    def test_two_managers_approve_the_refund_at_once(self):
        """Two managers approve the same pending refund at once: one credit
        note of the refundable amount, decided by the winner."""
        cancellation_id = self._request_refund()
        with self.registry.cursor() as cr:
            messages_before = self._message_count(self._env(cr))

        def approve(note):
            def act(env):
                cancellation = env["support.cancellation"].browse(cancellation_id)
                return cancellation.action_approve_refund(note)

            return act

        results = self._at_once(
            (self._uid("manager_1"), self._see_request, approve("Manager 1")),
            (self._uid("manager_2"), self._see_request, approve("Manager 2")),
        )
        winner = self._one_winner(results, "is already settled")
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cancellation = self._settled_once(env, "refund")
            self.assertEqual(cancellation.id, cancellation_id)
            self.assertEqual(
                cancellation.decided_by_id.id, self._uid(f"manager_{winner + 1}")
            )
            self.assertEqual(cancellation.decision_note, f"Manager {winner + 1}")
            self.assertEqual(self._message_count(env), messages_before + 1)
            self._assert_one_settlement_email(env)

    @mute_logger("odoo.service.model", "odoo.sql_db")
    def test_refund_and_credit_decided_at_once(self):
        """One manager approves the refund while another grants the credit:
        the first decision stands, and only its document exists."""
        cancellation_id = self._request_refund()

        def decide(method):
            def act(env):
                cancellation = env["support.cancellation"].browse(cancellation_id)
                return getattr(cancellation, method)("Decided")

            return act

        results = self._at_once(
            (
                self._uid("manager_1"),
                self._see_request,
                decide("action_approve_refund"),
            ),
            (self._uid("manager_2"), self._see_request, decide("action_grant_credit")),
        )
        winner = self._one_winner(results, "is already settled")
        with self.registry.cursor() as cr:
            self._settled_once(self._env(cr), ("refund", "credit")[winner])

    def test_stale_decision_makes_nothing(self):
        """A manager whose screen still shows the request pending, after
        another settled it, fails at once: not even a credit number is used."""
        cancellation_id = self._request_refund()
        sequence = "asesorateya_support.seq_support_credit"
        with self.registry.cursor() as cr:
            next_credit = self._env(cr).ref(sequence).number_next_actual
        with closing(self.registry.cursor()) as cr2:
            env2 = self._env(cr2, self._uid("manager_2"))
            self._see_request(env2)
            with self.registry.cursor() as cr1:
                env1 = self._env(cr1, self._uid("manager_1"))
                env1["support.cancellation"].browse(
                    cancellation_id
                ).action_approve_refund()
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                env2["support.cancellation"].browse(
                    cancellation_id
                ).action_grant_credit()
            cr2.rollback()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self._settled_once(env, "refund")
            self.assertEqual(env.ref(sequence).number_next_actual, next_credit)
