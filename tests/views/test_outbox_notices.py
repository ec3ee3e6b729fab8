"""The outbox shows a rule's notice (no campaign) as "rule notice", and sorting on the Campaign
column (or any other) works with notices and campaign messages mixed."""

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.db import session_scope
from app.models import Campaign, Debtor, OutboxMessage
from app.views.dispatch_models import NOTICE_TEXT
from tests.views.test_dispatch_page import approved

AS_OF = date(2025, 6, 30)
NOON = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


def queue_notice(db, debtor_ref, n):
    with session_scope(db) as s:
        debtor = s.scalar(select(Debtor).where(Debtor.external_ref == debtor_ref))
        m = OutboxMessage(kind="notice", campaign_id=None, action_id=None, debtor_id=debtor.id,
                          channel="email", state="queued", message_id=f"<collecta.n.{n}@x.fr>",
                          as_of=AS_OF, recipient="marie@dupuis.fr", subject="Règle déclenchée",
                          body="Bonjour", attempts=0,
                          created_at=NOON)
        s.add(m)
        s.flush()
        return m.id


def campaign_column(outbox):
    return [outbox.model.index(i, 1).data() for i in range(outbox.model.rowCount())]


def test_notices_show_as_rule_notices_and_the_campaign_column_sorts(window, ledger, qtbot):
    approved(ledger)  # one campaign: C1's letter, C4's letter, C5's email
    with session_scope(ledger) as s:
        campaign = s.scalar(select(Campaign.id))
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.campaign_id == campaign)) == 3  # queued at approval
    first = queue_notice(ledger, "C2", 1)
    second = queue_notice(ledger, "C1", 2)
    page = window.show_page("dispatch")
    outbox = page.outbox
    page.setCurrentWidget(outbox)
    outbox.refresh()
    model = outbox.model
    campaign = str(campaign)
    assert campaign_column(outbox) == [campaign] * 3 + [NOTICE_TEXT] * 2
    assert "None" not in campaign_column(outbox)
    assert model.index(3, 1).data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is None

    outbox.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert campaign_column(outbox) == [NOTICE_TEXT] * 2 + [campaign] * 3
    assert [r.outbox_id for r in model.rows[:2]] == [first, second]
    outbox.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert campaign_column(outbox) == [campaign] * 3 + [NOTICE_TEXT] * 2
    for column in range(model.columnCount()):  # no column trips over a notice's None
        outbox.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        assert model.rowCount() == 5

    outbox.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    outbox.refresh()  # a refresh keeps the order the user chose
    assert campaign_column(outbox) == [NOTICE_TEXT] * 2 + [campaign] * 3
    outbox.state.setCurrentIndex(outbox.state.findData("queued"))
    assert campaign_column(outbox) == [NOTICE_TEXT] * 2 + [campaign] * 3

    # a notice has no campaign to print letters from
    outbox.table.selectRow(0)
    assert outbox.selected().campaign_id is None and not outbox.print_button.isEnabled()
    window.resize(1280, 600)
    outbox.grab().save("/tmp/shots/h4_outbox_notices.png")


def test_a_hidden_outbox_reloads_when_shown_not_on_every_debtor_change(window, ledger):
    from app.services.changes import ChangeSet

    approved(ledger)
    outbox = window.show_page("dispatch").outbox
    assert len(outbox.model.rows) == 3
    window.show_page("worklist")  # the outbox is hidden now
    with session_scope(ledger) as s:
        c2 = s.scalar(select(Debtor.id).where(Debtor.external_ref == "C2"))
    queue_notice(ledger, "C2", 9)
    window.ctx.broadcast(ChangeSet(debtor_ids=frozenset({c2})))  # e.g. a note on C2's page
    assert len(outbox.model.rows) == 3  # not reloaded while nobody looks at it
    window.show_page("dispatch")
    assert len(outbox.model.rows) == 4  # reloaded as it comes on screen
