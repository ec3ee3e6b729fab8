"""DOMAIN.md §6, one test per rule. Standard plan: courtesy −5 (email), +3 (email),
+10 (email + SMS), +20 call (business days), +30 formal notice (business days); gap 5, min 15."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.db import session_scope
from app.models import Activity, CampaignAction, StepHistory
from app.services.activity import log_activity
from app.services.collection.approval import approve_campaign, mark_action_sent
from app.services.collection.builder import build_campaign
from tests import factories as f
from tests.factories import D


def inv(s, d, amount, due, **kw):
    """An invoice issued 30 days before it falls due (net 30)."""
    return f.invoice(s, d, amount, due=due, issued=due - timedelta(days=30), **kw)


def setup(s):
    f.company(s)
    f.default_plans(s)
    f.user(s, "Marie Curie", role="manager")


def build(db, day):
    with session_scope(db) as s:
        return build_campaign(s, day, user="Alice Martin")


def actions(db, campaign_id):
    """(debtor ref, step position, currency, total, sorted invoice numbers) per action."""
    with session_scope(db) as s:
        rows = s.scalars(select(CampaignAction).where(CampaignAction.campaign_id == campaign_id)
                         .order_by(CampaignAction.id)).all()
        out = []
        for a in rows:
            from app.models import Debtor, Invoice, PlanStep
            numbers = sorted(s.get(Invoice, i.invoice_id).number for i in a.items)
            out.append((s.get(Debtor, a.debtor_id).external_ref,
                        s.get(PlanStep, a.step_id).position, a.currency, a.total, numbers))
        return out


def history(db):
    """(invoice number, step position, outcome) per step an item received or skipped; a
    catch-up proposal lists the steps it skipped on its own row (skipped_step_ids)."""
    with session_scope(db) as s:
        from app.models import Invoice, PlanStep
        out = []
        for h in s.scalars(select(StepHistory)):
            number = s.get(Invoice, h.invoice_id).number
            out.append((number, s.get(PlanStep, h.step_id).position, h.outcome))
            out += [(number, s.get(PlanStep, sid).position, "skipped")
                    for sid in h.skipped_step_ids or ()]
        return sorted(out)


def approve_and_send(db, campaign_id, day):
    with session_scope(db) as s:
        approve_campaign(s, campaign_id, user="Marie Curie")
        for a in s.scalars(select(CampaignAction).where(CampaignAction.campaign_id == campaign_id)):
            mark_action_sent(s, a.id, datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                             author="Collecta")


def test_step_due_when_as_of_reaches_due_date_plus_offset(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        inv(s, d, 1200, due=date(2025, 6, 2), ref="F1")
    assert build(db, date(2025, 5, 27)).actions == 0  # courtesy falls due on 05-28
    result = build(db, date(2025, 5, 28))
    assert actions(db, result.campaign_id) == [("C1", 1, "EUR", D(1200), ["F1"])]
    assert history(db) == [("F1", 1, "proposed")]


def test_business_day_shift_uses_the_debtors_public_holidays(db):
    # Due 2025-06-24: the call (+20, business days) lands on 14 July, a French public holiday,
    # so it is due on Tuesday 15 July; a German debtor's call is due on the 14th.
    with session_scope(db) as s:
        setup(s)
        fr = f.debtor(s, "FR1", country="FR")
        de = f.debtor(s, "DE1", country="DE", language="en")
        for d, ref in ((fr, "F-FR"), (de, "F-DE")):
            inv(s, d, 500, due=date(2025, 6, 24), ref=ref)
            s.add(StepHistory(invoice_id=s.scalar(select(f.Invoice.id).where(
                f.Invoice.number == ref)), step_id=_step_id(s, 3), debtor_id=d.id,
                outcome="sent", on=date(2025, 7, 4)))
    on_14th = build(db, date(2025, 7, 14))
    assert actions(db, on_14th.campaign_id) == [("DE1", 4, "EUR", D(500), ["F-DE"])]
    on_15th = build(db, date(2025, 7, 15))
    assert actions(db, on_15th.campaign_id) == [("FR1", 4, "EUR", D(500), ["F-FR"])]


def _step_id(s, position, plan="Standard"):
    from app.models import PlanStep, ReminderPlan
    return s.scalar(select(PlanStep.id).join(ReminderPlan).where(
        ReminderPlan.name == plan, PlanStep.position == position))


def test_catch_up_proposes_only_the_highest_due_step_and_records_the_skipped(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        inv(s, d, 800, due=date(2025, 5, 1), ref="F1")
    # Nothing ran since before the due date; on 05-13 courtesy, +3 and +10 are all due.
    first = build(db, date(2025, 5, 13))
    assert actions(db, first.campaign_id) == [("C1", 3, "EUR", D(800), ["F1"])]
    assert first.skipped_steps == 2
    assert history(db) == [("F1", 1, "skipped"), ("F1", 2, "skipped"), ("F1", 3, "proposed")]
    approve_and_send(db, first.campaign_id, date(2025, 5, 13))
    # The skipped steps are never sent later: next is the call at +20.
    for day in range(14, 21):
        assert build(db, date(2025, 5, day)).actions == 0
    assert actions(db, build(db, date(2025, 5, 21)).campaign_id)[0][1] == 4


def test_one_action_per_debtor_step_and_currency(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        inv(s, d, 100, due=date(2025, 5, 1), ref="E1")
        inv(s, d, 200, due=date(2025, 5, 1), ref="E2")
        inv(s, d, 300, due=date(2025, 5, 1), ref="G1", currency="GBP")
    result = build(db, date(2025, 5, 4))
    assert actions(db, result.campaign_id) == [
        ("C1", 2, "EUR", D(300), ["E1", "E2"]),
        ("C1", 2, "GBP", D(300), ["G1"]),
    ]
    assert result.totals == {"EUR": D(300), "GBP": D(300)}


def test_items_at_different_steps_use_the_highest_and_list_every_overdue_item(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        old = inv(s, d, 1000, due=date(2025, 4, 1), ref="OLD")  # +31: formal notice
        inv(s, d, 200, due=date(2025, 4, 28), ref="NEW")  # +4: first reminder
        waiting = inv(s, d, 50, due=date(2025, 4, 30), ref="WAIT")  # +2, step 1 received
        s.add(StepHistory(invoice_id=waiting.id, step_id=_step_id(s, 1), debtor_id=d.id,
                          outcome="sent", on=date(2025, 4, 25)))
        s.add(StepHistory(invoice_id=old.id, step_id=_step_id(s, 4), debtor_id=d.id,
                          outcome="sent", on=date(2025, 4, 21)))
    result = build(db, date(2025, 5, 2))
    assert actions(db, result.campaign_id) == [("C1", 5, "EUR", D(1250), ["NEW", "OLD", "WAIT"])]
    # Each item records its own step: NEW got step 2 (courtesy skipped), WAIT nothing new.
    assert history(db) == [("NEW", 1, "skipped"), ("NEW", 2, "proposed"), ("OLD", 4, "sent"),
                           ("OLD", 5, "proposed"), ("WAIT", 1, "sent")]


def test_never_twice_for_the_same_item_and_step(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        inv(s, d, 400, due=date(2025, 5, 1), ref="F1")
    first = build(db, date(2025, 5, 4))
    again = build(db, date(2025, 5, 4))
    assert (again.campaign_id, again.created, again.actions) == (first.campaign_id, False, 1)
    approve_and_send(db, first.campaign_id, date(2025, 5, 4))
    # After the gap, step 2 is not proposed again; step 3 waits for +10.
    assert build(db, date(2025, 5, 10)).actions == 0
    assert actions(db, build(db, date(2025, 5, 11)).campaign_id)[0][1] == 3
    assert [h for h in history(db) if h[1] == 2] == [("F1", 2, "sent")]


def test_minimum_gap_between_touches_counts_logged_contacts(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        inv(s, d, 400, due=date(2025, 5, 1), ref="F1")
        log_activity(s, author="Alice Martin", kind="call", summary="Called AP, no answer",
                     debtor_id=d.id, at=datetime(2025, 5, 2, 15, tzinfo=UTC))
        log_activity(s, author="Alice Martin", kind="note", summary="A note is not a touch",
                     debtor_id=d.id, at=datetime(2025, 5, 6, 15, tzinfo=UTC))
    assert build(db, date(2025, 5, 6)).actions == 0  # called 4 days ago, gap 5
    assert build(db, date(2025, 5, 7)).actions == 1


def test_tolerance_skips_overdue_totals_below_the_plans_minimum(db):
    with session_scope(db) as s:
        setup(s)
        small = f.debtor(s, "SMALL")
        inv(s, small, "14.99", due=date(2025, 5, 1))
        enough = f.debtor(s, "ENOUGH")
        inv(s, enough, "15.00", due=date(2025, 5, 1))
    result = build(db, date(2025, 5, 4))
    assert [a[0] for a in actions(db, result.campaign_id)] == ["ENOUGH"]


def test_two_builds_of_the_same_day_at_the_same_time_produce_one_set_of_actions(db):
    import threading

    with session_scope(db) as s:
        setup(s)
        for n in range(30):
            d = f.debtor(s, f"C{n:02d}")
            inv(s, d, 100 + n, due=date(2025, 5, 1))
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(build(db, date(2025, 5, 4)))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.created for r in results) == [False, True]
    assert {r.campaign_id for r in results} == {results[0].campaign_id}
    assert len(actions(db, results[0].campaign_id)) == 30
    assert len(history(db)) == 30 * 2  # one proposed + one skipped (courtesy) per item


def test_every_write_leaves_an_activity(db):
    with session_scope(db) as s:
        setup(s)
        inv(s, f.debtor(s, "C1"), 400, due=date(2025, 5, 1))
    result = build(db, date(2025, 5, 4))
    with session_scope(db) as s:
        kinds = s.scalars(select(Activity.kind)).all()
    assert kinds == ["campaign_built"]
    assert result.debtor_ids


def test_two_processes_building_the_same_day_produce_one_set_of_actions(db):
    import subprocess
    import sys
    from pathlib import Path

    with session_scope(db) as s:
        setup(s)
        for n in range(40):
            inv(s, f.debtor(s, f"P{n:02d}"), 100 + n, due=date(2025, 5, 1))
    main_py = Path(__file__).resolve().parents[3] / "main.py"
    procs = [subprocess.Popen([sys.executable, str(main_py), "--db", db.url, "campaign", "build",
                               "--as-of", "2025-05-04", "--user", f"Desktop {n}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in (1, 2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    lines = sorted(out.strip() for out, _ in outputs)
    assert lines == ["Campaign #1 for 2025-05-04 already exists: 40 action(s), 4780.00 EUR",
                     "Campaign #1 for 2025-05-04 built: 40 action(s), 4780.00 EUR"]
    assert len(actions(db, 1)) == 40
    assert len(history(db)) == 80


def test_a_failed_build_leaves_the_database_unchanged(db):
    import pytest
    from sqlalchemy import delete, func

    from app.errors import UserError
    from app.models import Campaign, MessageTemplate

    with session_scope(db) as s:
        setup(s)
        inv(s, f.debtor(s, "C1", language="fr"), 400, due=date(2025, 5, 1))
        s.execute(delete(MessageTemplate).where(MessageTemplate.key == "reminder_1"))
    with pytest.raises(UserError, match="No template 'reminder_1' for email in fr or fr"):
        build(db, date(2025, 5, 4))
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Campaign)) == 0
        assert s.scalar(select(func.count()).select_from(StepHistory)) == 0
        assert s.scalar(select(func.count()).select_from(Activity)) == 0
