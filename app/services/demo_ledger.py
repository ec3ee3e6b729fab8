"""The demo receivables as numpy columns: invoices, credit notes, payments and allocations.

Everything is vectorised (one array per column, no per-invoice Python objects) so that 20,000
debtors and a million invoices take seconds. Days are integers counted from 1970-01-01; money is
integer cents. The invariants of app/models/ledger.py hold by construction: open = amount −
allocations, settled_on = the latest allocation date once open reaches 0, allocation dates ≥ both
items' dates and ≤ as_of, one currency and one debtor per allocation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

SEGMENTS = ("key_accounts", "smb", "public_sector")
CURRENCIES = ("EUR", "GBP", "USD")
TERMS = ("net 30", "net 45", "net 60", "45 days end of month")
PAYMENT_METHODS = ("transfer", "direct debit", "cheque")
BEHAVIOURS = ("prompt", "slightly late", "late", "chronic late", "partial payer", "slow reliable")
HISTORY_DAYS = 730  # 24 months ending at as_of
EPOCH = date(1970, 1, 1)

_SEGMENT_P = [0.08, 0.80, 0.12]
_RATE = np.array([160.0, 40.0, 45.0])  # mean invoices over 24 months per segment
_RATE_SHAPE = np.array([4.0, 2.0, 3.0])
_MEDIAN_AMOUNT = np.array([9000.0, 1100.0, 3500.0])
_TERMS_P = np.array([[0.10, 0.30, 0.40, 0.20], [0.35, 0.25, 0.15, 0.25], [0.50, 0.20, 0.30, 0.0]])
_BEHAVIOUR_P = np.array([
    [0.40, 0.35, 0.18, 0.04, 0.03, 0.00],
    [0.20, 0.25, 0.25, 0.15, 0.15, 0.00],
    [0.00, 0.10, 0.10, 0.05, 0.00, 0.75],
])
_DELAY_MEAN = np.array([-2.0, 18.0, 42.0, 90.0, 50.0, 45.0])  # days after the due date
_DELAY_STD = np.array([4.0, 9.0, 18.0, 45.0, 30.0, 10.0])
_NEVER_PAID = np.array([0.004, 0.01, 0.025, 0.08, 0.06, 0.005])  # disputed items

Ints = NDArray[np.int64]


@dataclass(frozen=True)
class DemoProfiles:
    """One entry per debtor: indexes into SEGMENTS, CURRENCIES, TERMS, BEHAVIOURS."""

    segment: Ints
    currency: Ints
    terms: Ints
    behaviour: Ints
    payment_run_weekday: Ints  # key accounts and public bodies pay in weekly runs


@dataclass(frozen=True)
class DemoLedger:
    """Column arrays ready for bulk insert; ids start at 1 in each table."""

    inv_debtor: Ints  # invoices then credit notes, in id order
    inv_kind: NDArray[np.bool_]  # True for credit notes
    inv_issue: Ints
    inv_due: Ints
    inv_amount: Ints
    inv_open: Ints
    inv_settled: Ints  # -1 = NULL
    inv_number: list[str]
    pay_debtor: Ints
    pay_day: Ints
    pay_amount: Ints
    pay_open: Ints
    pay_settled: Ints
    pay_method: Ints  # index into PAYMENT_METHODS
    pay_number: list[str]
    alloc_invoice: Ints  # 1-based ids
    alloc_payment: Ints  # 0 = NULL
    alloc_credit: Ints  # 0 = NULL
    alloc_amount: Ints
    alloc_day: Ints

    @property
    def invoice_count(self) -> int:
        return int((~self.inv_kind).sum())

    @property
    def credit_note_count(self) -> int:
        return int(self.inv_kind.sum())


def day_number(d: date) -> int:
    return (d - EPOCH).days


def _pick(rng: np.random.Generator, table: NDArray[np.float64], rows: Ints) -> Ints:
    """A categorical draw per element, with the probabilities of row `rows[i]` of `table`."""
    cum = np.cumsum(table, axis=1)[rows]
    u = rng.random(len(rows))[:, None]
    return np.minimum((u >= cum).sum(axis=1), table.shape[1] - 1).astype(np.int64)


def debtor_profiles(rng: np.random.Generator, n: int) -> tuple[DemoProfiles, NDArray[np.float64]]:
    """Profiles and the expected number of invoices over 24 months for each of `n` debtors."""
    segment = rng.choice(3, size=n, p=_SEGMENT_P).astype(np.int64)
    shape = _RATE_SHAPE[segment]
    rate = rng.gamma(shape, _RATE[segment] / shape)
    # ~3 % GBP and ~3 % USD, taken among the busier debtors so that they show in a worklist.
    k = round(0.03 * n)
    busy = rng.permutation(np.flatnonzero(rate >= np.median(rate)))
    currency = np.zeros(n, dtype=np.int64)
    currency[busy[:k]] = 1
    currency[busy[k:2 * k]] = 2
    terms = _pick(rng, _TERMS_P, segment)
    behaviour = _pick(rng, _BEHAVIOUR_P, segment)
    run_day = rng.integers(0, 5, n)
    return DemoProfiles(segment, currency, terms, behaviour, run_day), rate


def _group_position(counts: Ints) -> Ints:
    """0, 1, … within each run of a repeated index (np.repeat(arange, counts))."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(int(counts.sum()), dtype=np.int64) - starts


def _weekday(days: Ints) -> Ints:
    return (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


def _end_of_month(days: Ints) -> Ints:
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    return ((months + 1).astype("datetime64[D]") - 1).astype(np.int64)


def _yearly_numbers(prefix: str, days: Ints) -> list[str]:
    """F2025-000001 … numbered per calendar year in the order given (days must be sorted)."""
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    seq = np.arange(len(days)) - np.searchsorted(years, years, side="left") + 1
    return [f"{prefix}{y}-{s:06d}" for y, s in zip(years.tolist(), seq.tolist(), strict=True)]


def _invoices(rng: np.random.Generator, p: DemoProfiles, rate: NDArray[np.float64],
              as_of: int) -> tuple[Ints, Ints, Ints, Ints]:
    """Debtor, issue day, due day and amount in cents per invoice, sorted by issue day."""
    counts = rng.poisson(rate).astype(np.int64)
    debtor = np.repeat(np.arange(len(rate), dtype=np.int64), counts)
    n = len(debtor)
    # Activity grows ~80 % over the two years: density ∝ 1 + g·t on t ∈ [0, 1] (1 = as_of).
    g = 0.8
    t = (np.sqrt(1 + 2 * g * rng.random(n) * (1 + g / 2)) - 1) / g
    issue = as_of - np.floor((1 - t) * HISTORY_DAYS).astype(np.int64)
    wd = _weekday(issue)
    issue -= np.where(wd == 5, 1, 0) + np.where(wd == 6, 2, 0)  # weekends → Friday
    terms = p.terms[debtor]
    net = np.array([30, 45, 60, 45])[terms]
    due = np.where(terms == 3, _end_of_month(issue + 45), issue + net)
    mu = np.log(_MEDIAN_AMOUNT[p.segment]) + rng.normal(0, 0.5, len(rate))
    amount = np.exp(mu[debtor] + rng.normal(0, 0.8, n)) * 100
    amount = np.clip(np.rint(amount), 2_000, 50_000_000).astype(np.int64)
    whole = rng.random(n) < 0.3  # services billed in whole units
    amount = np.where(whole, np.maximum(amount // 100, 20) * 100, amount)
    order = np.lexsort((debtor, issue))
    return debtor[order], issue[order], due[order], amount[order]


def _payment_events(rng: np.random.Generator, p: DemoProfiles, debtor: Ints, issue: Ints,
                    due: Ints, payable: Ints, as_of: int) -> tuple[Ints, Ints, Ints]:
    """(invoice index, day, cents) of each payment received up to as_of."""
    n = len(debtor)
    beh = p.behaviour[debtor]
    # Disputed items: most are paid months later once resolved, a fifth never.
    stuck = rng.random(n) < _NEVER_PAID[beh]
    never = stuck & (rng.random(n) < 0.2)
    many = np.where(beh == 4, rng.choice([1, 2, 3], n, p=[0.4, 0.35, 0.25]),
                    np.where(rng.random(n) < 0.03, 2, 1))
    parts = np.where((payable > 0) & ~never, many, 0).astype(np.int64)
    ev_inv = np.repeat(np.arange(n, dtype=np.int64), parts)
    k = _group_position(parts)
    last = k == parts[ev_inv] - 1
    # Split the payable amount: cumulative shares of random weights, the last part takes the rest.
    paying = parts[parts > 0]
    starts = (np.cumsum(parts) - parts)[parts > 0]
    w = rng.uniform(0.3, 1.0, len(ev_inv))
    cum = np.cumsum(w)
    share = (cum - np.repeat(cum[starts] - w[starts], paying)) / np.repeat(
        np.bincount(ev_inv, w, minlength=n)[parts > 0], paying)
    end = np.where(last, payable[ev_inv], np.floor(payable[ev_inv] * share).astype(np.int64))
    start = np.where(k == 0, 0, np.roll(end, 1))
    cents = end - start
    delay = np.rint(rng.normal(_DELAY_MEAN[beh], _DELAY_STD[beh])).astype(np.int64)
    delay = np.where(stuck, rng.integers(90, 420, n), delay)
    first = np.maximum(due + delay, issue + 2)
    gaps = np.where(k == 0, 0, rng.integers(7, 45, len(ev_inv)))
    cum_gap = np.cumsum(gaps)
    gap_in_group = cum_gap - np.repeat(cum_gap[starts], paying)
    day = first[ev_inv] + gap_in_group
    # Key accounts and public bodies pay in weekly runs; nobody pays at weekends.
    wd = _weekday(day)
    ev_debtor = debtor[ev_inv]
    runs = p.segment[ev_debtor] != 1
    day = np.where(runs, day + (p.payment_run_weekday[ev_debtor] - wd) % 7,
                   day + np.where(wd == 5, 2, 0) + np.where(wd == 6, 1, 0))
    keep = (day <= as_of) & (cents > 0)
    return ev_inv[keep], day[keep], cents[keep]


def generate_ledger(rng: np.random.Generator, p: DemoProfiles, rate: NDArray[np.float64],
                    as_of_date: date) -> DemoLedger:
    """Invoices over the 24 months ending at as_of, their credit notes, payments, allocations."""
    as_of = day_number(as_of_date)
    debtor, issue, due, amount = _invoices(rng, p, rate, as_of)
    n = len(debtor)
    # Credit notes on ~2 % of invoices, a few weeks after the invoice; recent ones may still wait
    # for lettering (open credit) while the customer already deducted them.
    cn_day = issue + rng.integers(3, 60, n)
    is_cn = (rng.random(n) < 0.02) & (cn_day <= as_of)
    partial = np.maximum(np.rint(amount * rng.uniform(0.05, 0.5, n)).astype(np.int64), 100)
    full = rng.random(n) < 0.3
    cn_cents = np.where(is_cn, np.where(full, amount, np.minimum(partial, amount)), 0)
    cn_open = is_cn & (cn_day > as_of - 45) & (rng.random(n) < 0.4)
    payable = amount - cn_cents
    ev_inv, ev_day, ev_cents = _payment_events(rng, p, debtor, issue, due, payable, as_of)

    # Payments: one per debtor and day (a transfer settling several invoices), sorted by day.
    n_debtors = len(p.segment)
    key = ev_day * (n_debtors + 1) + debtor[ev_inv]
    on_account = np.flatnonzero(rng.random(n_debtors) < 0.02)
    oa_day = as_of - rng.integers(1, 60, len(on_account))
    oa_day -= np.where(_weekday(oa_day) == 5, 1, 0) + np.where(_weekday(oa_day) == 6, 2, 0)
    oa_key = oa_day * (n_debtors + 1) + on_account
    uniq, pay_of_event = np.unique(key, return_inverse=True)
    allocated = np.rint(np.bincount(pay_of_event, ev_cents, len(uniq))).astype(np.int64)
    extra = np.where(rng.random(len(uniq)) < 0.01, rng.integers(1, 200, len(uniq)) * 100, 0)
    keys = np.concatenate([uniq, oa_key])
    pay_amount = np.concatenate([allocated + extra, rng.integers(2, 50, len(on_account)) * 5000])
    pay_open = np.concatenate([extra, pay_amount[len(uniq):]])
    order = np.argsort(keys, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    pay_day = (keys // (n_debtors + 1))[order]
    pay_debtor = (keys % (n_debtors + 1))[order]
    pay_amount, pay_open = pay_amount[order], pay_open[order]
    pay_settled = np.where(pay_open == 0, pay_day, -1)
    # Small businesses sometimes pay by direct debit or cheque; organisations always by transfer.
    method = rng.choice(3, len(pay_day), p=[0.82, 0.10, 0.08])
    pay_method = np.where(p.segment[pay_debtor] == 1, method, 0)

    # Allocations: payments, then lettered credit notes; ids in date order.
    cn_idx = np.flatnonzero(is_cn)
    cn_idx = cn_idx[np.argsort(cn_day[cn_idx], kind="stable")]  # ids and numbers in date order
    cn_id = n + 1 + np.arange(len(cn_idx), dtype=np.int64)
    lettered = ~cn_open[cn_idx]
    a_inv = np.concatenate([ev_inv, cn_idx[lettered]]) + 1
    a_pay = np.concatenate([rank[pay_of_event] + 1, np.zeros(int(lettered.sum()), np.int64)])
    a_cn = np.concatenate([np.zeros(len(ev_inv), np.int64), cn_id[lettered]])
    a_amount = np.concatenate([ev_cents, cn_cents[cn_idx][lettered]])
    a_day = np.concatenate([ev_day, cn_day[cn_idx][lettered]])
    a_order = np.lexsort((a_inv, a_day))

    inv_open = amount - np.rint(np.bincount(a_inv - 1, a_amount, n)).astype(np.int64)
    last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last, a_inv - 1, a_day)
    inv_settled = np.where(inv_open == 0, last, -1)
    cn_days = cn_day[cn_idx]
    cn_amounts = cn_cents[cn_idx]
    cn_settled = np.where(lettered, cn_days, -1)
    cn_open_cents = np.where(lettered, 0, cn_amounts)
    return DemoLedger(
        inv_debtor=np.concatenate([debtor, debtor[cn_idx]]),
        inv_kind=np.concatenate([np.zeros(n, bool), np.ones(len(cn_idx), bool)]),
        inv_issue=np.concatenate([issue, cn_days]),
        inv_due=np.concatenate([due, cn_days]),
        inv_amount=np.concatenate([amount, cn_amounts]),
        inv_open=np.concatenate([inv_open, cn_open_cents]),
        inv_settled=np.concatenate([inv_settled, cn_settled]),
        inv_number=_yearly_numbers("F", issue) + _yearly_numbers("AV", cn_days),
        pay_debtor=pay_debtor, pay_day=pay_day, pay_amount=pay_amount, pay_open=pay_open,
        pay_settled=pay_settled, pay_method=pay_method, pay_number=_yearly_numbers("P", pay_day),
        alloc_invoice=a_inv[a_order], alloc_payment=a_pay[a_order], alloc_credit=a_cn[a_order],
        alloc_amount=a_amount[a_order], alloc_day=a_day[a_order],
    )
