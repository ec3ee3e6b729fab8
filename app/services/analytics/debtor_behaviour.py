"""How each debtor pays (DOMAIN.md §4 "Per debtor"): average days to pay (pay date − invoice date)
and average days late (max(0, pay date − due date)), simple and amount-weighted, over invoices
fully settled in the 12 months ending on as_of. The pay date is the date of the allocation that
settled the invoice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from app.services.analytics.book_state import book_state, settled_on
from app.services.analytics.engine import INVOICE, LedgerArrays, day_number
from app.services.analytics.metrics import period_ending

BEHAVIOUR_MONTHS = 12
# Promise-kept rate and dispute days need the promise and dispute tables of the collection
# issue; they are added there.


@dataclass(frozen=True, slots=True)
class PaymentBehaviour:
    debtor_id: int
    currency: str
    period_start: date
    period_end: date
    invoices_paid: int
    days_to_pay_simple: float
    days_to_pay_weighted: float
    days_late_simple: float
    days_late_weighted: float


def _settled_frame(arrays: LedgerArrays, as_of: date) -> pd.DataFrame:
    state = book_state(arrays, as_of)
    paid_on = settled_on(arrays, state.residual, state.day)
    first = day_number(period_ending(as_of, BEHAVIOUR_MONTHS).start)
    mask = (arrays.item_kind == INVOICE) & (paid_on >= first) & (arrays.item_amount > 0)
    pay = paid_on[mask].astype(np.int64)
    amount = arrays.item_amount[mask].astype(np.float64)
    to_pay = pay - arrays.item_issue[mask]
    late = np.maximum(0, pay - arrays.item_due[mask])
    return pd.DataFrame({
        "debtor": arrays.item_debtor[mask], "cur": arrays.item_cur[mask], "amount": amount,
        "to_pay": to_pay, "late": late,
        "to_pay_w": to_pay * amount, "late_w": late * amount,
    })


def payment_behaviour(arrays: LedgerArrays, as_of: date,
                      debtor_id: int | None = None) -> list[PaymentBehaviour]:
    """One row per debtor and currency with invoices settled in the last 12 months."""
    frame = _settled_frame(arrays, as_of)
    if debtor_id is not None:
        pos = int(np.searchsorted(arrays.debtor_id, debtor_id))
        frame = frame[frame["debtor"] == pos]
    period = period_ending(as_of, BEHAVIOUR_MONTHS)
    if frame.empty:
        return []
    g = frame.groupby(["debtor", "cur"], sort=True).agg(
        n=("amount", "size"), amount=("amount", "sum"), to_pay=("to_pay", "mean"),
        late=("late", "mean"), to_pay_w=("to_pay_w", "sum"), late_w=("late_w", "sum"))
    out: list[PaymentBehaviour] = []
    for (debtor, cur), r in zip(g.index.tolist(), g.itertuples(index=False), strict=True):
        out.append(PaymentBehaviour(
            debtor_id=int(arrays.debtor_id[debtor]), currency=arrays.currencies[cur],
            period_start=period.start, period_end=period.end, invoices_paid=int(r.n),
            days_to_pay_simple=float(r.to_pay), days_to_pay_weighted=float(r.to_pay_w / r.amount),
            days_late_simple=float(r.late), days_late_weighted=float(r.late_w / r.amount),
        ))
    return out
