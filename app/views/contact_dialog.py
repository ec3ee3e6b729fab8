"""Add or correct one contact of a debtor: name, role, email(s), phone, mobile, postal address,
primary. A refused value (a bounced address mistyped again, a number that is not one) is shown
in the dialog, which stays open with what was typed."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from app.services.contact_checks import CONTACT_LENGTHS
from app.services.contact_edit import add_contact, update_contact
from app.services.debtor_edit import ContactRow, EditableDebtor
from app.views.context import AppContext
from app.views.debtor_edit_dialog import NOTE_STYLE, EditFormDialog

LABELS = {"name": "Name", "role": "Role", "email": "Email", "phone": "Phone",
          "mobile": "Mobile", "address_line1": "Address", "address_line2": "",
          "postal_code": "Postal code", "city": "City", "country": "Country"}
PLACEHOLDERS = {"name": "e.g. Accounts payable", "role": "e.g. Head of accounting",
                "email": "compta@example.fr — several: separate them with ;",
                "phone": "as written; +CC … for another country", "mobile": "for SMS reminders",
                "address_line1": "street", "address_line2": "building, floor (optional)",
                "country": "FR"}


class ContactDialog(EditFormDialog):
    """`contact` None: a new contact of `debtor`."""

    def __init__(self, ctx: AppContext, debtor: EditableDebtor, contact: ContactRow | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, debtor, "Edit contact" if contact else "Add a contact", parent)
        self.contact = contact
        self.edits: dict[str, QLineEdit] = {}
        for field, label in LABELS.items():
            edit = QLineEdit(getattr(contact, field) or "" if contact else "")
            edit.setPlaceholderText(PLACEHOLDERS.get(field, ""))
            edit.setMaxLength(CONTACT_LENGTHS.get(field, 2))
            edit.textEdited.connect(lambda _text: self.error.hide())
            self.edits[field] = edit
            self.form.addRow(label, edit)
        self.edits["country"].setFixedWidth(64)
        self.primary = QCheckBox("Primary contact: reminders are sent to it")
        self.primary.setChecked(contact.is_primary if contact else not debtor.contacts)
        self.primary.setEnabled(not (contact and contact.is_primary))
        self.form.addRow("", self.primary)
        note = QLabel("The ledger never changes a contact once it exists: a correction here "
                      "lasts. Reminders already queued go to the corrected address.")
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        self.form.addRow("", note)
        self.buttons.accepted.connect(self.save)

    def fields(self) -> dict[str, str | None]:
        typed: dict[str, str | None] = {k: e.text() for k, e in self.edits.items()}
        if self.contact is None:
            return typed
        return {k: v for k, v in typed.items()
                if (v or "").strip() != (getattr(self.contact, k) or "")}

    def save(self) -> None:
        d, c, author = self.debtor, self.contact, self.ctx.user_name
        fields, primary = self.fields(), self.primary.isChecked()
        if c is None:
            self.write(lambda s: add_contact(s, d.debtor_id, fields, expected_version=d.version,
                                             primary=primary, author=author))
        else:
            self.write(lambda s: update_contact(s, d.debtor_id, c.contact_id, fields,
                                                expected_version=d.version,
                                                primary=primary, author=author))
