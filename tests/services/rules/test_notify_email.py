"""Notify "also email the manager": one queued notice per firing (on the transition), none in a
dry run, final text in the debtor's language, and a clear refusal when the user has no email."""

from datetime import date

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.models import AppUser, Debtor, OutboxMessage
from app.services.rules.engine import run_rules
from app.services.rules.store import RuleDraft, RuleInvalidError, save_rule
from tests import factories as f
from tests.services.rules.conftest import AS_OF, arrays, timeline

DSO_ABOVE_60 = {"all": [{"fact": "dso", "op": ">", "value": 60}]}


def rule(db, *actions, else_actions=(), name="Slow payers"):
    with session_scope(db) as s:
        return save_rule(s, RuleDraft(name, DSO_ABOVE_60, list(actions),
                                      else_actions=list(else_actions), enabled=True),
                         "Alice Martin")


def run(db, as_of=AS_OF, dry_run=False):
    with session_scope(db) as s:
        return run_rules(s, arrays(db), as_of, user="Alice Martin", dry_run=dry_run)


def notices(db):
    with session_scope(db) as s:
        return [(m.kind, m.campaign_id, m.action_id, m.debtor_id, m.channel, m.state,
                 m.recipient, m.subject, m.body, m.message_id, m.as_of)
                for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


@pytest.fixture
def managed(db, book):
    with session_scope(db) as s:
        marie = s.scalar(select(AppUser).where(AppUser.name == "Marie Curie"))
        s.get(Debtor, book["Atelier"]).account_manager_id = marie.id
    return book


NOTIFY = {"type": "notify", "message": "call them this week", "email": True}
BODY_FR = """Bonjour Marie Curie,

La règle « Slow payers » s'est déclenchée le 31/03/2024 pour Atelier Dupuis (C001).

Faits constatés : DSO 74.2 > 60
Ce que la règle a fait : moved this debtor to High risk
Message : call them this week

Collecta (règles d'automatisation). Ouvrez le débiteur dans Collecta pour voir son historique."""


def test_a_firing_queues_one_notice_to_the_account_manager(db, managed):
    rule(db, {"type": "move_to_plan", "plan": "High risk"}, NOTIFY)
    result = run(db)
    atelier = managed["Atelier"]
    assert notices(db) == [(
        "notice", None, None, atelier, "email", "queued", "marie@example.com",
        "Règle « Slow payers » déclenchée pour Atelier Dupuis (C001)", BODY_FR,
        f"<collecta.n.r1.d{atelier}.20240331.on.mariecurie@collecta.invalid>", AS_OF)]
    assert [n.message_id for n in result.notices] == [notices(db)[0][9]]
    assert timeline(db, atelier)[-1] == (
        "Rule 'Slow payers' call them this week and emailed Marie Curie <marie@example.com>: "
        "DSO 74.2 > 60")


def test_no_second_notice_while_the_condition_holds(db, managed):
    rule(db, NOTIFY)
    run(db)
    run(db, as_of=date(2024, 4, 1))
    run(db, as_of=date(2024, 4, 2))
    assert len(notices(db)) == 1


def test_a_dry_run_shows_the_notice_and_queues_nothing(db, managed):
    rule(db, NOTIFY)
    dry = run(db, dry_run=True)
    assert notices(db) == []
    assert [(n.recipient, n.subject, n.language) for n in dry.notices] == [
        ("marie@example.com", "Règle « Slow payers » déclenchée pour Atelier Dupuis (C001)",
         "fr")]
    real = run(db)
    assert [n.body for n in real.notices] == [n.body for n in dry.notices]


def test_a_named_user_without_email_cannot_be_chosen(db, book):
    with session_scope(db) as s:
        f.user(s, "Paul Sansmail").email = None
    with pytest.raises(RuleInvalidError) as caught:
        rule(db, {"type": "notify", "email": True, "user": "Paul Sansmail"})
    assert [str(p) for p in caught.value.problems] == [
        "action 1 (Notify): Paul Sansmail has no email address: add one to the user, or email "
        "the debtor's account manager instead"]
    with pytest.raises(RuleInvalidError, match="no user named 'Nobody' to email"):
        rule(db, {"type": "notify", "email": True, "user": "Nobody"})


def test_a_named_user_is_emailed_in_english_for_an_english_debtor(db, book):
    with session_scope(db) as s:
        s.get(Debtor, book["Atelier"]).language = "en"
    rule(db, {"type": "notify", "email": True, "user": "Alice Martin"})
    run(db)
    (_, _, _, _, _, _, recipient, subject, body, _, _), = notices(db)
    assert (recipient, subject) == ("alice@example.com",
                                    "Rule 'Slow payers' fired for Atelier Dupuis (C001)")
    assert body.splitlines()[:5] == [
        "Hello Alice Martin,", "",
        "The rule 'Slow payers' fired on 2024-03-31 for Atelier Dupuis (C001).", "",
        "Facts: DSO 74.2 > 60"]


def test_no_manager_or_no_address_queues_nothing_and_says_why(db, book):
    rule(db, NOTIFY)
    result = run(db)
    assert notices(db) == []
    assert [c.words for c in result.changes] == [
        "call them this week (no email sent: this debtor has no account manager)"]


def test_when_it_stops_holding_and_fires_again_the_same_day_ids_stay_unique(db, managed):
    rule(db, NOTIFY, else_actions=[{"type": "notify", "email": True}])
    run(db)
    with session_scope(db) as s:
        f.payment(s, s.get(Debtor, managed["Atelier"]), 212_000, on=date(2024, 4, 10))
    run(db, as_of=date(2024, 4, 10))
    sent = notices(db)
    assert [m[7] for m in sent] == [
        "Règle « Slow payers » déclenchée pour Atelier Dupuis (C001)",
        "Règle « Slow payers » levée pour Atelier Dupuis (C001)"]
    assert "Faits constatés : DSO 0, no longer > 60" in sent[1][8]
    assert len({m[9] for m in sent}) == 2


def test_a_second_firing_on_the_same_day_gets_its_own_message_id(db, managed):
    from app.clock import utcnow
    from app.services.dispatch.notices import NoticeRequest, compose_notices, queue_notices

    ask = NoticeRequest(7, "Slow payers", managed["Atelier"], "Marie Curie", "marie@example.com",
                        "DSO 74.2 > 60", (), None, False)
    ids = []
    for _ in range(3):
        with session_scope(db) as s:
            made = compose_notices(s, [ask], AS_OF, domain="firm.example")
            queue_notices(s, made, author="Alice Martin", at=utcnow())
            ids.append(made[0].message_id)
    stem = f"<collecta.n.r7.d{managed['Atelier']}.20240331.on.mariecurie"
    assert ids == [f"{stem}@firm.example>", f"{stem}.2@firm.example>", f"{stem}.3@firm.example>"]
