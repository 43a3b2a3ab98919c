# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from collections import Counter
from datetime import timedelta

from odoo import fields

from ..formatting import format_day
from ..policy import period_bounds
from .common_concurrency import SupportConcurrencyCase

#: Retainers whose first cycles ended: started 35, 38, ... 92 days ago, so
#: each has 1 to 3 cycles to close and 1 to 3 to open to catch up with today.
CONTRACTS = 20
CYCLE_CLOSED = "Cycle closed on"
CRON = "asesorateya_support.ir_cron_roll_periods"


class SupportPeriodRollCase(SupportConcurrencyCase):
    """Committed monthly retainers whose cycles ended, and the end state the
    cycle cron (``support.contract.period._cron_roll_periods``) must leave.

    Only its behaviour is checked, not how it works inside: every ended open
    cycle is closed once, each retainer has exactly one open cycle and it
    covers today, the cycles are the ones anchored on the first (contiguous,
    never overlapping), each closed cycle has one note for the team and one
    email to the client, and each cycle one invoice.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            plan = self._create_plan(
                env,
                "Cycle roll retainer",
                "monthly",
                300.0,
                hours_included=8.0,
                meetings_per_month=2,
            )
            partner = env["res.partner"].create(
                {
                    "name": "Cycle roll client",
                    "is_company": True,
                    "email": "roll@client.test",
                    "lang": "en_US",
                }
            )
            contracts = env["support.contract"].create(
                [
                    {
                        "partner_id": partner.id,
                        "plan_id": plan.id,
                        "company_id": company.id,
                        "amount_paid": 300.0,
                        "state": "confirmed",
                    }
                    for _index in range(CONTRACTS)
                ]
            )
            today = self._today(env)
            # The later the contract, the later it started: the cron's order
            # (by end date) is also the contracts' order.
            for index, contract in enumerate(contracts):
                days_ago = 35 + 3 * (CONTRACTS - 1 - index)
                contract.action_start(today - timedelta(days=days_ago))
            cr.execute("SELECT coalesce(max(id), 0) FROM ir_cron_trigger")
            self.data = {
                "last_trigger": cr.fetchone()[0],
                **self._plan_data(plan),
                "partner": partner.id,
                "contracts": contracts.ids,
            }
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        data = self.data
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cr.execute(
                "SELECT id FROM account_move WHERE partner_id = %s", [data["partner"]]
            )
            moves = [row[0] for row in cr.fetchall()]
            cr.execute(
                "UPDATE support_contract_period SET invoice_id = NULL "
                "WHERE contract_id IN %s",
                [tuple(data["contracts"])],
            )
            self._sql_delete(cr, "account.move", moves)
            periods = env["support.contract.period"].search(
                [("contract_id", "in", data["contracts"])]
            )
            self._sql_delete(cr, "support.contract.period", periods.ids)
            self._sql_delete(cr, "support.contract", data["contracts"])
            # The cron re-triggers itself while work is left: no trace of it.
            cr.execute(
                "DELETE FROM ir_cron_trigger WHERE id > %s AND cron_id = %s",
                [data["last_trigger"], env.ref(CRON).id],
            )
            env.invalidate_all()
            self._remove_plan(env, data)
            env["res.partner"].browse(data["partner"]).unlink()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _today(self, env):
        return fields.Date.context_today(env["support.contract.period"])

    def _contracts(self, env):
        return env["support.contract"].browse(self.data["contracts"])

    def _ended_open(self, env):
        """Open cycles that ended before today, in the whole database."""
        return env["support.contract.period"].search(
            [("state", "=", "open"), ("date_end", "<", self._today(env))]
        )

    def _run_until_done(self, batch_size=None, max_runs=10):
        """Run the cron, each run in its own committed transaction, as the
        scheduler does while the cron re-triggers itself, until no ended
        cycle is left open."""
        kwargs = {"batch_size": batch_size} if batch_size else {}
        for _run in range(max_runs):
            with self.registry.cursor() as cr:
                env = self._env(cr)
                env["support.contract.period"]._cron_roll_periods(**kwargs)
            with self.registry.cursor() as cr:
                if not self._ended_open(self._env(cr)):
                    break
        else:
            self.fail(f"ended cycles still open after {max_runs} runs of the cron")
        # The closing emails it queued, as their scheduled action sends them.
        for _run in range(max_runs):
            with self.registry.cursor() as cr:
                sent = self._env(cr)["support.contract.period"]._cron_send_close_mails()
            if not sent:
                return
        self.fail(f"closing emails still queued after {max_runs} runs")

    def _trace(self, env):
        """What the cron left, per contract: its cycles (start, end, state,
        invoice), the team's close notes and the client's close emails."""
        Message = env["mail.message"]
        trace = {}
        for contract in self._contracts(env):
            periods = contract.period_ids.sorted("date_start")
            messages = Message.search(
                [("model", "=", "support.contract"), ("res_id", "=", contract.id)]
            )
            notes = Counter(
                (period.date_start, period.date_end)
                for message in messages.filtered(lambda m: not m.subject)
                for period in periods
                if f"{format_day(env, period.date_start)} → "
                f"{format_day(env, period.date_end)} closed" in str(message.body)
            )
            trace[contract.id] = {
                "cycles": [
                    (p.date_start, p.date_end, p.state, p.invoice_id.id)
                    for p in periods
                ],
                "notes": notes,
                # The cycles whose closing email was queued (the cycle
                # emails' scheduled action sends it later): told once each.
                "emails": sorted(
                    (p.date_start, p.date_end)
                    for p in periods
                    if p.close_mail_state in ("queued", "sent")
                ),
            }
            # Each email sent is one message, never two.
            self.assertEqual(
                len(messages.filtered(lambda m: CYCLE_CLOSED in (m.subject or ""))),
                len(periods.filtered(lambda p: p.close_mail_state == "sent")),
                f"{contract.name}: each closing email sent once",
            )
        return trace

    def _assert_rolled(self, env, contract_ids=None, everywhere=True):
        """The end state of a clean run, for ``contract_ids`` (default all).

        :param bool everywhere: also check that no ended cycle is left open
            in the whole database, and nothing billed or emailed beyond the
            cycles
        """
        today = self._today(env)
        if everywhere:
            self.assertFalse(self._ended_open(env), "every ended cycle is closed")
        trace = self._trace(env)
        for contract in self._contracts(env):
            if contract_ids is not None and contract.id not in contract_ids:
                continue
            cycles = trace[contract.id]["cycles"]
            anchor = contract.date_start
            expected, index = [], 0
            while not expected or expected[-1][1] < today:
                expected.append(period_bounds(anchor, index))
                index += 1
            self.assertEqual(
                [(start, end) for start, end, _state, _invoice in cycles],
                expected,
                f"{contract.name}: the cycles anchored on its start, once each",
            )
            self.assertEqual(
                [state for _start, _end, state, _invoice in cycles],
                ["closed"] * (len(expected) - 1) + ["open"],
                f"{contract.name}: one open cycle, covering today",
            )
            self.assertEqual(contract.current_period_id.date_end, expected[-1][1])
            self.assertEqual(
                contract.period_ids.mapped("sequence"), list(range(1, index + 1))
            )
            invoices = [invoice for *_rest, invoice in cycles]
            self.assertTrue(all(invoices), f"{contract.name}: each cycle billed")
            self.assertEqual(len(set(invoices)), len(invoices))
            closed = expected[:-1]
            self.assertEqual(
                trace[contract.id]["notes"],
                Counter(closed),
                f"{contract.name}: one note per closed cycle",
            )
            emails = trace[contract.id]["emails"]
            self.assertEqual(emails, closed, f"{contract.name}: one email per cycle")
        if not everywhere:
            return trace
        # Nothing billed twice: the client's invoices are the cycles'.
        invoices = env["account.move"].search(
            [
                ("partner_id", "=", self.data["partner"]),
                ("move_type", "=", "out_invoice"),
            ]
        )
        self.assertEqual(
            sorted(invoices.ids),
            sorted(i for t in trace.values() for *_rest, i in t["cycles"]),
        )
        # Each close email is queued once, to the client.
        emails = env["mail.message"].search(
            [
                ("model", "=", "support.contract"),
                ("res_id", "in", self.data["contracts"]),
                ("subject", "ilike", CYCLE_CLOSED),
            ]
        )
        mails = env["mail.mail"].sudo().search([("mail_message_id", "in", emails.ids)])
        self.assertEqual(len(mails), len(emails))
        self.assertEqual(
            set(mails.recipient_ids.ids), {self.data["partner"]} if mails else set()
        )
        return trace
