"""Correcting a customer from its page, on conftest.py's ledger as of 2025-06-30: the collection
fields' dialog, the contacts' buttons and dialog, conflicts, snapshots, and a corrected email
that the next dispatch really uses (a loopback SMTP server)."""

from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlalchemy import select

from app.db import session_scope
from app.models import Activity, Contact, Debtor
from app.services.changes import ChangeSet
from app.services.debtor_edit import update_debtor
from app.services.snapshot import export_snapshot, open_snapshot
from app.views.context import AppContext
from app.views.debtor_view import DebtorView
from tests.services.dispatch.conftest import MailSink, free_port
from tests.views.conftest import AS_OF
from tests.views.test_debtor_view import column, open_debtor
from tests.views.test_dispatch_page import approved, smtp_form_on

NNBSP, NBSP = "\u202f", "\xa0"


def ok(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def contacts_of(view):
    m = view.contacts.model
    return [tuple(m.index(r, c).data() for c in (0, 1, 2)) for r in range(m.rowCount())]


def saved(db, ref):
    with session_scope(db) as s:
        d = s.scalar(select(Debtor).where(Debtor.external_ref == ref))
        return (d.segment, d.credit_limit, d.tags, d.version,
                sorted((c.name, c.email, c.is_primary) for c in d.contacts))


def test_edit_the_collection_details(window, qtbot):
    view = open_debtor(window, "C1")
    window.resize(1280, 800)
    dialog = view.edit_details()
    assert dialog.manager.currentText() == "Alice Martin"
    assert dialog.limit.text() == f"5{NNBSP}000,00" and dialog.currency.text() == "EUR"
    dialog.manager.setCurrentIndex(dialog.manager.findData("Bruno Petit"))
    dialog.segment.setCurrentIndex(dialog.segment.findData("key_accounts"))
    dialog.limit.setText("8 000,50")
    dialog.tags.setText("vip, export")
    dialog.grab().save("/tmp/shots/debtor_edit_dialog.png")
    with qtbot.waitSignal(window.ctx.changed, timeout=5000) as changed:
        ok(dialog)
    assert changed.args[0] == ChangeSet(debtor_ids=frozenset({view.debtor_id}))
    assert not dialog.isVisible()
    assert view.identity.text() == "C1   ·   Key accounts   ·   Manager: Bruno Petit   ·   FR/fr"
    assert f"Credit limit 8{NNBSP}000,50{NBSP}€" in view.credit.text()
    assert column(view.timeline_model, 3)[0] == (
        "Collection details changed: account manager Alice Martin → Bruno Petit; segment smb → "
        "key_accounts; credit limit 5000.00 EUR → 8000.50 EUR; tags (none) → vip, export")
    worklist = window.page("worklist")
    qtbot.waitUntil(lambda: not worklist.loading)
    c1 = next(r for r in worklist.model.all_rows() if r.ref == "C1")
    assert c1.manager == "Bruno Petit"


def test_a_bad_limit_is_shown_in_the_dialog_which_stays_open(window):
    view = open_debtor(window, "C1")
    before = saved(window.ctx.db, "C1")
    dialog = view.edit_details()
    dialog.limit.setText("-5")
    dialog.tags.setText("vip")
    ok(dialog)
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert dialog.error.text() == ("Customer C1 (Boulangerie Martin): credit limit -5 must be "
                                   "zero or more")
    assert dialog.tags.text() == "vip"  # what was typed is kept
    assert saved(window.ctx.db, "C1") == before


def test_a_conflict_closes_the_dialog_says_so_and_reloads_the_page(window, qtbot):
    view = open_debtor(window, "C1")
    dialog = view.edit_details()
    with session_scope(window.ctx.db) as s:  # a colleague saves C1 meanwhile
        update_debtor(s, view.debtor_id, expected_version=view.editable.version,
                      segment="public_sector", author="Bruno Petit")
    dialog.segment.setCurrentIndex(dialog.segment.findData("key_accounts"))
    ok(dialog)
    assert not dialog.isVisible()
    box = window.ctx.jobs.error_box()
    assert box is not None and box.text() == (
        "Customer C1 (Boulangerie Martin) was changed by someone else since you opened it; "
        "nothing was saved — the page now shows the latest details: make your change again")
    assert "Public sector" in view.identity.text()  # the page shows the colleague's change
    assert saved(window.ctx.db, "C1")[0] == "public_sector"
    box.close()


def test_add_a_second_contact_and_make_it_primary(window, qtbot, monkeypatch):
    view = open_debtor(window, "C1")
    window.resize(1280, 800)
    dialog = view.contacts.open_dialog(None)
    assert not dialog.primary.isChecked()  # C1 has a contact already
    dialog.edits["name"].setText("Paul Durand")
    dialog.edits["email"].setText("paul@boulangerie-martin.fr")
    dialog.edits["mobile"].setText("06 12 34 56 78")
    dialog.grab().save("/tmp/shots/contact_dialog.png")
    ok(dialog)
    assert not dialog.isVisible()
    assert contacts_of(view) == [("★", "Jeanne Martin", "compta@boulangerie-martin.fr"),
                                 ("", "Paul Durand", "paul@boulangerie-martin.fr")]
    assert not view.contacts.primary_button.isEnabled()  # nothing selected
    view.contacts.table.selectRow(1)
    assert view.contacts.primary_button.isEnabled()
    view.contacts.primary_button.click()
    assert contacts_of(view) == [("★", "Paul Durand", "paul@boulangerie-martin.fr"),
                                 ("", "Jeanne Martin", "compta@boulangerie-martin.fr")]
    assert column(view.timeline_model, 3)[:2] == [
        "Primary contact: Jeanne Martin → Paul Durand",
        "Contact added: Paul Durand (paul@boulangerie-martin.fr, 06 12 34 56 78)"]
    qtbot.wait(50)  # the header's layout follows the taller table
    window.grab().save("/tmp/shots/debtor_page_contacts.png")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.contacts.table.selectRow(1)
    view.contacts.remove_button.click()
    assert contacts_of(view) == [("★", "Paul Durand", "paul@boulangerie-martin.fr")]


def test_a_bad_email_is_shown_and_nothing_is_saved(window):
    window.resize(1280, 800)
    view = open_debtor(window, "C1")
    before = saved(window.ctx.db, "C1")
    view.contacts.table.selectRow(0)
    dialog = view.contacts.edit_contact()
    assert dialog.edits["email"].text() == "compta@boulangerie-martin.fr"
    dialog.edits["email"].setText("compta@boulangerie-martin")
    dialog.edits["city"].setText("Paris")
    ok(dialog)
    assert dialog.isVisible()
    assert dialog.error.text() == (
        "Customer C1 (Boulangerie Martin), contact Jeanne Martin: email: the email address "
        "'compta@boulangerie-martin' is not valid: The part after the @-sign is not valid. It "
        "should have a period.")
    dialog.grab().save("/tmp/shots/contact_dialog_error.png")
    assert saved(window.ctx.db, "C1") == before


@pytest.mark.usefixtures("memory_keyring")
def test_a_corrected_email_is_where_the_next_dispatch_sends(window, ledger, qtbot):
    sink = MailSink()
    sink.refuse["compta@fleuriste-rose.fr"] = "550 5.1.1 recipient refused"
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        approved(ledger)  # C5's reminder, to compta@fleuriste-rose.fr
        page, form = smtp_form_on(window, controller.port)
        assert form.save()
        with session_scope(ledger) as s:
            window.ctx.open_debtor(s.scalar(select(Debtor.id).where(Debtor.external_ref == "C5")))
        view = window.page("debtors").tabs.currentWidget()
        assert isinstance(view, DebtorView) and view.detail.ref == "C5"
        view.contacts.table.selectRow(0)
        dialog = view.contacts.edit_contact()
        dialog.edits["email"].setText("factures@fleuriste-rose.fr")
        ok(dialog)
        assert not dialog.isVisible()
        outbox = window.show_page("dispatch").outbox
        page.setCurrentWidget(outbox)
        outbox.send_button.click()
        qtbot.waitUntil(lambda: outbox.summary.text().startswith("Done."), timeout=30_000)
        c5 = [r for r in outbox.model.rows if r.debtor_ref == "C5"]
        assert [(r.state, r.recipient) for r in c5] == [("sent", "factures@fleuriste-rose.fr")]
        assert [rcpt for _, rcpt, _ in sink.envelopes] == [["factures@fleuriste-rose.fr"]]
    finally:
        controller.stop()


def test_a_debtor_from_a_ledger_says_which_fields_the_sync_replaces(window):
    window.resize(1280, 800)
    with session_scope(window.ctx.db) as s:
        s.scalar(select(Debtor).where(Debtor.external_ref == "C2")).source = "sage"
    view = open_debtor(window, "C2")
    dialog = view.edit_details()
    notes = [w.text() for w in dialog.findChildren(type(dialog.error))
             if w.text() == "from the ledger: the next sync replaces it"]
    assert len(notes) == 3  # language, segment, credit limit
    dialog.grab().save("/tmp/shots/debtor_edit_dialog_ledger.png")
    manual = open_debtor(window, "C1").edit_details()
    assert not [w for w in manual.findChildren(type(dialog.error))
                if w.text().startswith("from the ledger")]


def test_a_snapshot_disables_every_edit(qtbot, ledger, tmp_path):
    target = tmp_path / "review.collecta"
    export_snapshot(ledger, target, taken_at=datetime(2025, 7, 1, tzinfo=UTC))
    snap, _info = open_snapshot(target)
    with session_scope(snap) as s:
        c1 = s.scalar(select(Debtor.id).where(Debtor.external_ref == "C1"))
    view = DebtorView(AppContext(snap, "Alice Martin", AS_OF, locale="fr_FR"), c1)
    qtbot.addWidget(view)
    view.contacts.table.selectRow(0)
    buttons = (view.edit_button, view.contacts.add_button, view.contacts.edit_button,
               view.contacts.remove_button, view.contacts.primary_button)
    assert [b.isEnabled() for b in buttons] == [False] * 5
    assert view.edit_details() is None and view.contacts.open_dialog(None) is None
    with session_scope(snap) as s:
        assert s.scalar(select(Activity.id).where(Activity.kind.like("contact%"))) is None
        assert s.scalar(select(Contact.email)) == "compta@boulangerie-martin.fr"


def test_a_debtor_without_contact_offers_to_add_the_first_one(window, qtbot):
    window.resize(1280, 800)
    view = open_debtor(window, "C3")
    assert view.contacts.empty.isVisible() and view.contacts.add_button.isEnabled()
    assert not view.contacts.edit_button.isEnabled()
    dialog = view.contacts.open_dialog(None)
    assert dialog.primary.isChecked()  # the first contact is the primary one
    dialog.edits["name"].setText("Mairie — service comptable")
    dialog.edits["phone"].setText("+32 2 555 12 12")  # Belgian, though the debtor is French
    ok(dialog)
    assert contacts_of(view) == [("★", "Mairie — service comptable", "")]
    assert not view.contacts.empty.isVisible()
    qtbot.wait(50)
    view.grab().save("/tmp/shots/debtor_page_first_contact.png")
