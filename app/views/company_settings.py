"""Settings → Company: the firm's letterhead (name, address, contact, registration and VAT
numbers), bank details (IBAN, BIC), default currency and letter language, and logo — what every
letter, statement and EPC QR code prints. Save checks every value first and points at the one
to correct; Revert shows what is stored; "Preview letterhead" opens a sample statement drawn
with these values, saved or not."""

from __future__ import annotations

import tempfile
from pathlib import Path

from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.clock import today
from app.db import session_scope
from app.errors import UserError
from app.services.changes import ChangeSet
from app.services.company_checks import (
    COUNTRIES,
    LANGUAGE_NAMES,
    LANGUAGES,
    CompanyFieldError,
    check_iban,
)
from app.services.company_profile import CompanyProfile, load_company, save_company, validated
from app.services.documents.letterhead_sample import sample_statement
from app.services.formatting import printed_iban
from app.views.channel_settings_form import ERROR_STYLE
from app.views.company_logo_box import CompanyLogoBox
from app.views.context import AppContext

# A red frame that keeps the box's height (a bare border drops the native padding).
FIELD_ERROR_STYLE = ("QLineEdit, QComboBox { border: 1px solid #C62828; border-radius: 3px; "
                     "padding: 3px 3px; }")
LETTERHEAD_HINT = ("Letters and statements print the name, then the address, 'phone · email' "
                   "and the registration number under it, beside the logo.")
TITLE = ("<b>Company profile</b> — the letterhead, bank details and logo printed on every "
         "letter and statement; shared by the team.")


class CompanySettingsForm(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview_path: Path | None = None
        self.name = QLineEdit(placeholderText="e.g. Atelier Dupuis SAS (required)")
        self.address_line1 = QLineEdit(placeholderText="street and number")
        self.address_line2 = QLineEdit(placeholderText="building, PO box … (optional)")
        self.postal_code = QLineEdit()
        self.postal_code.setMaximumWidth(90)
        self.city = QLineEdit()
        self.country = QComboBox()
        self.phone = QLineEdit(placeholderText="as customers should dial it, e.g. +33 4 72 …")
        self.email = QLineEdit(placeholderText="where customers write, e.g. compta@…")
        self.registration_number = QLineEdit(placeholderText="RCS, SIREN, company number …")
        self.vat_number = QLineEdit(placeholderText="e.g. FR40303265045")
        self.iban = QLineEdit(placeholderText="FR76 3000 6000 0112 3456 7890 189")
        self.iban.editingFinished.connect(self._group_iban)
        self.bic = QLineEdit(placeholderText="8 or 11 characters, e.g. AGRIFRPP")
        self.currency = QComboBox()
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setToolTip("The language of letters to customers who have none set")
        self.logo = CompanyLogoBox()
        self.logo.refused.connect(lambda text: self._say(text, field="logo"))
        self.logo.edited.connect(lambda: self._say(""))
        self._fill_countries()
        self.widgets: dict[str, QWidget] = {
            "name": self.name, "address_line1": self.address_line1,
            "address_line2": self.address_line2, "postal_code": self.postal_code,
            "city": self.city, "country": self.country, "phone": self.phone,
            "email": self.email, "registration_number": self.registration_number,
            "vat_number": self.vat_number, "iban": self.iban, "bic": self.bic,
            "default_currency": self.currency, "default_language": self.language,
            "logo": self.logo}
        self._lay_out()
        self.save_button.setEnabled(not ctx.read_only)  # Revert and Preview only read
        self.logo.set_writable(not ctx.read_only)
        ctx.changed.connect(self._on_changed)
        self.load()

    def _lay_out(self) -> None:
        town = QHBoxLayout()
        town.addWidget(self.postal_code)
        town.addWidget(self.city, 1)
        head = QGroupBox("Letterhead")
        head_form = QFormLayout(head)
        head_form.addRow("Name", self.name)
        head_form.addRow("Address", self.address_line1)
        head_form.addRow("", self.address_line2)
        head_form.addRow("Postal code, city", town)
        head_form.addRow("Country", self.country)
        head_form.addRow("Phone", self.phone)
        head_form.addRow("Email", self.email)
        head_form.addRow("Registration no.", self.registration_number)
        head_form.addRow("VAT number", self.vat_number)
        hint = QLabel(LETTERHEAD_HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        head_form.addRow(hint)
        bank = QGroupBox("Bank details (payment block and QR code)")
        bank_form = QFormLayout(bank)
        bank_form.addRow("IBAN", self.iban)
        bank_form.addRow("BIC", self.bic)
        defaults = QGroupBox("Defaults")
        defaults_form = QFormLayout(defaults)
        defaults_form.addRow("Currency", self.currency)
        defaults_form.addRow("Letter language", self.language)
        right = QVBoxLayout()
        right.addWidget(bank)
        right.addWidget(defaults)
        right.addWidget(self.logo)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(head, 3)
        columns.addLayout(right, 2)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Show the stored profile again, dropping unsaved changes")
        self.revert_button.clicked.connect(self.revert)
        self.preview_button = QPushButton("Preview letterhead…")
        self.preview_button.setToolTip("Open a sample statement drawn with these values")
        self.preview_button.clicked.connect(self.preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        panel = QWidget()
        panel.setMaximumWidth(1100)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(QLabel(TITLE))
        inner.addLayout(columns)
        inner.addLayout(buttons)
        inner.addWidget(self.status)
        outer = QVBoxLayout(self)
        outer.addWidget(panel)
        outer.addStretch(1)

    def _fill_countries(self) -> None:
        names = Locale.parse(self.ctx.locale).territories
        self.country.addItem("—", "")
        for code in sorted(COUNTRIES, key=lambda c: str(names.get(c, c))):
            self.country.addItem(f"{names.get(code, code)} ({code})", code)

    def _fill_currencies(self, stored: str) -> None:
        """Currencies in use today in some country (plus the stored one), by code."""
        used = {stored}
        for code in COUNTRIES:
            used.update(get_territory_currencies(code, today()))
        self.currency.clear()
        for code in sorted(used):
            self.currency.addItem(f"{code} — {get_currency_name(code, locale=self.ctx.locale)}",
                                  code)

    def load(self) -> None:
        with session_scope(self.ctx.db) as s:
            stored = load_company(s)
        p = stored or CompanyProfile()
        for field, widget in self.widgets.items():
            if isinstance(widget, QLineEdit) and widget is not self.iban:
                widget.setText(getattr(p, field))
        self.iban.setText(printed_iban(p.iban))
        self.country.setCurrentIndex(max(0, self.country.findData(p.country)))
        self._fill_currencies(p.default_currency)
        self.currency.setCurrentIndex(max(0, self.currency.findData(p.default_currency)))
        self.language.setCurrentIndex(max(0, self.language.findData(p.default_language)))
        self.logo.show_logo(p.logo)
        self._say("" if stored else "No company profile yet: enter the firm's name and bank "
                  "details, then Save.")

    def profile(self) -> CompanyProfile:
        """What the form holds, as typed (checked on Save and Preview)."""
        return CompanyProfile(
            name=self.name.text(), address_line1=self.address_line1.text(),
            address_line2=self.address_line2.text(), postal_code=self.postal_code.text(),
            city=self.city.text(), country=str(self.country.currentData() or ""),
            iban=self.iban.text(), bic=self.bic.text(),
            registration_number=self.registration_number.text(),
            vat_number=self.vat_number.text(),
            default_currency=str(self.currency.currentData() or ""),
            default_language=str(self.language.currentData() or "en"),
            email=self.email.text(), phone=self.phone.text(), logo=self.logo.data)

    def save(self) -> bool:
        try:
            with session_scope(self.ctx.db) as s:
                saved = save_company(s, self.profile(), user=self.ctx.user_name)
        except UserError as exc:
            self._say(str(exc), field=getattr(exc, "field", None))
            return False
        self.iban.setText(printed_iban(saved.iban))
        self.bic.setText(saved.bic)
        self.vat_number.setText(saved.vat_number)
        self._say(f"Saved: letters and statements now carry {saved.name}'s letterhead.")
        self.ctx.broadcast(ChangeSet(settings=True))
        return True

    def revert(self) -> None:
        self.load()

    def preview(self) -> None:
        try:
            profile = validated(self.profile())
        except CompanyFieldError as exc:
            self._say(str(exc), field=exc.field)
            return
        pdf = sample_statement(profile, self.ctx.as_of)
        handle, name = tempfile.mkstemp(prefix="collecta-letterhead-", suffix=".pdf")
        with open(handle, "wb") as fh:
            fh.write(pdf)
        self.preview_path = Path(name)
        if QDesktopServices.openUrl(QUrl.fromLocalFile(name)):
            self._say(f"Sample statement opened ({name}).")
        else:
            self._say(f"Sample statement saved to {name}; no PDF viewer could open it.")

    def _group_iban(self) -> None:
        try:
            compact = check_iban(self.iban.text())
        except CompanyFieldError:
            return  # said on Save, with the reason
        self.iban.setText(printed_iban(compact))

    def _say(self, text: str, field: str | None = None) -> None:
        for widget in self.widgets.values():
            widget.setStyleSheet("")
        self.status.setStyleSheet(ERROR_STYLE if field else "")
        self.status.setText(text)
        widget = self.widgets.get(field or "")
        if widget is not None:
            if widget is not self.logo:
                widget.setStyleSheet(FIELD_ERROR_STYLE)
            widget.setFocus()

    def _on_changed(self, change: ChangeSet) -> None:
        # A new database, or the profile saved elsewhere while this tab was hidden.
        if change.everything or (change.settings and not self.isVisible()):
            self.load()
