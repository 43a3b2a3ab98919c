# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pure policy rules of issue 13, without Odoo nor a database.

``policy/`` is loaded as a package of its own (with the addon's ``const``),
not through ``odoo.addons``: these tests need neither Odoo nor PostgreSQL.
Each test names the clause it checks; each fails on the engine before the
issue.
"""

import importlib
import importlib.machinery
import importlib.util
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parent.parent / "asesorateya_support"


def _load_policy():
    name = "asesorateya_support_pure"
    if name not in sys.modules:
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        package = importlib.util.module_from_spec(spec)
        package.__path__ = [str(ADDON)]
        sys.modules[name] = package
    return importlib.import_module(f"{name}.policy")


policy = _load_policy()


def quote(**facts):
    values = {
        "kind": "hour_bag",
        "request_date": date(2026, 4, 10),
        "date_purchase": date(2026, 3, 2),
        "date_start": date(2026, 3, 20),
        "amount_paid": 400000,
        "rounding": 1.0,
        "hours_included": 10.0,
        "hours_used": 3.5,
    }
    values.update(facts)
    return policy.compute_quote(**values)[0]


MONTHLY = {
    "kind": "monthly",
    "amount_paid": 300000,
    "date_start": date(2026, 4, 1),
    "request_date": date(2026, 5, 12),
    "has_period": True,
    "period_fee": 300000,
    "period_hours": 8.0,
    "period_hours_used": 3.0,
}


def test_documented_keys():
    """Every key of QUOTE_KEYS is in a quote, and no other (but the
    explanation, which the model adds)."""
    assert set(quote()) | {"explanation"} == set(policy.QUOTE_KEYS)
    assert "invoice_reversal_amount" in policy.QUOTE_KEYS


# Item 2: support §10, "antes del primer uso de horas de la bolsa", net.
def test_net_use_first_day_with_hours():
    daily = [
        (date(2026, 3, 5), 2.0),
        (date(2026, 3, 5), -2.0),  # the correction, dated as its log
        (date(2026, 3, 9), 1.5),
        (date(2026, 3, 12), 1.0),
    ]
    assert policy.net_use(daily) == (2.5, date(2026, 3, 9))
    assert policy.net_use(daily, until=date(2026, 3, 8)) == (0.0, None)
    assert policy.net_use([]) == (0.0, None)


# Item 3: agency §4.2, "una vez iniciado el trabajo".
def test_recorded_progress_means_started():
    facts = {
        "kind": "project",
        "date_start": None,
        "amount_paid": 1000000,
        "project_total": 2000000,
        "deposit_amount": 1000000,
        "withdrawal_days": 0,
        "started_outcome": "refund",
    }
    progressed = quote(project_progress=Decimal(70), **facts)
    assert progressed["phase"] == "started"
    assert progressed["work_done_amount"] == 1400000
    assert progressed["extra_invoice_amount"] == 400000
    idle = quote(project_progress=0, **facts)
    assert idle["phase"] == "before_start"
    assert idle["refundable_amount"] == 0, "the deposit is kept (§3.3)"


# Item 4: support §8, the cycle is "pagado de forma mensual anticipada".
def test_unpaid_cycle_gives_nothing_back_and_is_reversed():
    unpaid = quote(period_amount_received=0, **MONTHLY)
    assert unpaid["amount_paid"] == 0
    assert unpaid["work_done_amount"] == 112500
    assert unpaid["refundable_amount"] == unpaid["credit_amount"] == 0
    assert unpaid["invoice_reversal_amount"] == 187500, "the rest of the invoice"
    partly = quote(period_amount_received=150000, **MONTHLY)
    assert partly["credit_amount"] == 37500, "received less work done"
    assert partly["invoice_reversal_amount"] == 150000
    paid = quote(**MONTHLY)
    assert (paid["credit_amount"], paid["invoice_reversal_amount"]) == (187500, 0)


# Item 8: one rounding rule, the work done rounded half-up, for every kind.
def test_one_rounding_rule():
    # A cycle of 300.001 for 2 h, 1 h used: the work done is 150.000,5.
    monthly = quote(
        **dict(
            MONTHLY,
            amount_paid=300001,
            period_fee=300001,
            period_hours=2.0,
            period_hours_used=1.0,
        )
    )
    # A bag of 300.001 for 2 h, 1 h used: the same tie.
    bag = quote(amount_paid=300001, hours_included=2.0, hours_used=1.0)
    for result in (monthly, bag):
        assert result["work_done_amount"] == 150001, "the tie goes to the work"
        assert result["refundable_amount"] == 150000


# Item 9: agency §3.3, the deposit is "estrictamente no reembolsable".
def test_withdrawal_never_refunds_the_deposit():
    withdrawal = quote(
        kind="project",
        date_start=None,
        request_date=date(2026, 3, 5),
        amount_paid=1000000,
        project_total=2000000,
        deposit_amount=1000000,
        withdrawal_days=10,
        project_progress=0,
    )
    assert withdrawal["legal_basis"] == "withdrawal"
    assert withdrawal["refund_amount"] == 0
    beyond = quote(
        kind="project",
        date_start=None,
        request_date=date(2026, 3, 5),
        amount_paid=1200000,
        project_total=2000000,
        deposit_amount=1000000,
        withdrawal_days=10,
        project_progress=0,
    )
    assert beyond["refund_amount"] == 200000, "what was paid beyond the deposit"


# Item 7: support §5 sets no expiry.
def test_credit_without_expiry():
    assert policy.credit_expiry(date(2026, 3, 2), 0) is None
    assert policy.credit_expiry(date(2026, 3, 2), 3) == date(2026, 6, 2)


# Support §7: "discontinuar el servicio con aviso previo".
@pytest.mark.parametrize(
    ("request_date", "notice", "last_day"),
    [
        (date(2026, 5, 12), 0, date(2026, 5, 31)),  # end of the current cycle
        (date(2026, 5, 31), 0, date(2026, 5, 31)),  # on its last day
        (date(2026, 5, 12), 19, date(2026, 5, 31)),
        (date(2026, 5, 12), 20, date(2026, 6, 30)),  # into the next cycle
        (date(2026, 5, 12), 40, date(2026, 6, 30)),
    ],
)
def test_notice_last_day(request_date, notice, last_day):
    assert policy.notice_last_day(date(2026, 5, 1), 0, request_date, notice) == (
        last_day
    )


def test_notice_keeps_the_anchor():
    """Cycles anchored on 31 January: the notice ends with a cycle's end."""
    assert policy.notice_last_day(date(2026, 1, 31), 1, date(2026, 3, 1), 0) == date(
        2026, 3, 30
    )
    with pytest.raises(ValueError):
        policy.notice_last_day(date(2026, 1, 31), 0, date(2026, 2, 1), -1)
