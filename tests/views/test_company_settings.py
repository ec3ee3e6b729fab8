"""Settings → Company: a firm that imported its own ledger enters its letterhead, bank details
and logo; a bad IBAN is pointed at and nothing is saved; the saved profile shows again in a
fresh form; "Preview letterhead" opens a sample statement drawn with the form's values."""

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.db import open_database, session_scope
from app.services.company_profile import CompanyProfile, load_company, save_company
from app.views import company_logo_box, company_settings
from app.views.company_settings import FIELD_ERROR_STYLE, CompanySettingsForm
from app.views.context import AppContext
from tests.logo_images import logo
from tests.views.conftest import AS_OF

BAD_IBAN = ("Company IBAN: 'FR76 3000 6000 0112 3456 7890 188' is not a valid IBAN: the check "
            "digits do not match (a typing mistake?)")


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def company_tab(window, qtbot) -> CompanySettingsForm:
    page = window.show_page("settings")
    index = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == "Company")
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    form = page.tabs.currentWidget()
    assert isinstance(form, CompanySettingsForm)
    return form


def type_into(qtbot, line_edit, text):
    line_edit.clear()
    qtbot.keyClicks(line_edit, text)


def pick(combo, code):
    combo.setCurrentIndex(combo.findData(code))


def test_enter_the_company_profile_with_a_logo(window, ledger, qtbot, monkeypatch, tmp_path):
    (tmp_path / "logo.png").write_bytes(logo())
    (tmp_path / "logo.gif").write_bytes(logo("GIF"))
    chosen = [tmp_path / "logo.gif", tmp_path / "logo.png"]
    monkeypatch.setattr(company_logo_box.QFileDialog, "getOpenFileName",
                        lambda *_args: (str(chosen.pop(0)), "Images (*.png *.jpg *.jpeg)"))
    opened: list[str] = []
    monkeypatch.setattr(company_settings.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    window.resize(1280, 800)
    form = company_tab(window, qtbot)
    assert form.status.text() == ("No company profile yet: enter the firm's name and bank "
                                  "details, then Save.")
    assert not form.logo.remove_button.isEnabled()

    type_into(qtbot, form.name, "Atelier Dupuis SAS")
    type_into(qtbot, form.address_line1, "4 quai Perrache")
    type_into(qtbot, form.postal_code, "69002")
    type_into(qtbot, form.city, "Lyon")
    pick(form.country, "FR")
    type_into(qtbot, form.phone, "+33 4 72 00 00 00")
    type_into(qtbot, form.email, "compta@dupuis.example")
    type_into(qtbot, form.registration_number, "RCS Lyon 552 100 554")
    type_into(qtbot, form.vat_number, "FR 40 303 265 045")
    type_into(qtbot, form.iban, "FR76 3000 6000 0112 3456 7890 188")  # last digit mistyped
    type_into(qtbot, form.bic, "agrifrpp")
    pick(form.language, "fr")
    assert form.currency.currentData() == "EUR"

    # The wrong file first: refused with its name, nothing shown as the logo.
    click(qtbot, form.logo.choose_button)
    assert form.status.text() == (f"Company logo: {tmp_path / 'logo.gif'} is not a PNG or JPEG "
                                  "image (save it as PNG or JPEG first)")
    assert form.logo.data is None and form.logo.info.text().startswith("No logo")
    click(qtbot, form.logo.choose_button)
    assert form.logo.data == logo() and form.status.text() == ""
    assert form.logo.info.text() == f"PNG, 360 × 120 pixels, {len(logo()) / 1024:.1f} KB"
    assert not form.logo.preview.pixmap().isNull() and form.logo.remove_button.isEnabled()

    # The mistyped IBAN: said, pointed at, and nothing is saved.
    click(qtbot, form.save_button)
    assert form.status.text() == BAD_IBAN
    assert form.iban.styleSheet() == FIELD_ERROR_STYLE and form.iban.hasFocus()
    window.grab().save("/tmp/shots/company_tab_bad_iban.png")
    with session_scope(ledger) as s:
        assert load_company(s) is None

    type_into(qtbot, form.iban, "fr7630006000011234567890189")
    click(qtbot, form.save_button)
    assert form.status.text() == ("Saved: letters and statements now carry Atelier Dupuis "
                                  "SAS's letterhead.")
    assert form.iban.styleSheet() == ""
    assert (form.iban.text(), form.bic.text(), form.vat_number.text()) == (
        "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP", "FR40303265045")
    window.grab().save("/tmp/shots/company_tab.png")
    with session_scope(ledger) as s:
        stored = load_company(s)
    assert (stored.name, stored.city, stored.country, stored.iban, stored.default_language,
            stored.logo) == ("Atelier Dupuis SAS", "Lyon", "FR", "FR7630006000011234567890189",
                             "fr", logo())

    # A fresh form (the app opened again) shows what was saved.
    again = CompanySettingsForm(window.ctx)
    qtbot.addWidget(again)
    assert (again.name.text(), again.address_line1.text(), again.postal_code.text(),
            again.city.text(), again.country.currentData(), again.phone.text(),
            again.email.text(), again.iban.text(), again.bic.text(),
            again.currency.currentData(), again.language.currentData(), again.logo.data) == (
        "Atelier Dupuis SAS", "4 quai Perrache", "69002", "Lyon", "FR", "+33 4 72 00 00 00",
        "compta@dupuis.example", "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP", "EUR", "fr",
        logo())

    # Preview: a sample statement with the form's values, unsaved ones included.
    type_into(qtbot, form.name, "Dupuis & Fils")
    click(qtbot, form.preview_button)
    assert opened == [str(form.preview_path)]
    assert form.status.text() == f"Sample statement opened ({form.preview_path})."
    page = PdfReader(form.preview_path).pages[0]
    assert "Dupuis & Fils" in page.extract_text()
    assert "FR76 3000 6000 0112 3456 7890 189" in page.extract_text()
    assert [image.image.size for image in page.images] == [(360, 120)]
    with session_scope(ledger) as s:
        assert load_company(s).name == "Atelier Dupuis SAS"  # a preview saves nothing

    # Revert drops the unsaved name; Remove logo + Save stores the profile without one.
    click(qtbot, form.revert_button)
    assert form.name.text() == "Atelier Dupuis SAS"
    click(qtbot, form.logo.remove_button)
    assert form.logo.data is None and not form.logo.remove_button.isEnabled()
    click(qtbot, form.save_button)
    with session_scope(ledger) as s:
        assert load_company(s).logo is None
    Path(form.preview_path).unlink()


def test_a_bad_value_on_preview_is_pointed_at_and_nothing_opens(window, qtbot, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(company_settings.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    form = company_tab(window, qtbot)
    type_into(qtbot, form.email, "compta at dupuis")
    click(qtbot, form.preview_button)
    assert form.status.text() == "Company name: required (it heads every letter and statement)"
    assert form.name.styleSheet() == FIELD_ERROR_STYLE
    type_into(qtbot, form.name, "Atelier Dupuis SAS")
    click(qtbot, form.preview_button)
    assert form.status.text() == ("Company email: 'compta at dupuis' is not an email address "
                                  "(name@domain.tld)")
    assert form.email.styleSheet() == FIELD_ERROR_STYLE and form.name.styleSheet() == ""
    assert opened == [] and form.preview_path is None


def test_a_read_only_snapshot_shows_the_profile_but_cannot_change_it(ledger, qtbot):
    with session_scope(ledger) as s:
        save_company(s, CompanyProfile(name="Atelier Dupuis SAS",
                                       iban="FR7630006000011234567890189", logo=logo()),
                     user="Alice Martin")
    snapshot = open_database(ledger.url, read_only=True)
    try:
        form = CompanySettingsForm(AppContext(snapshot, "Alice Martin", AS_OF, locale="fr_FR"))
        qtbot.addWidget(form)
        assert (form.name.text(), form.iban.text()) == ("Atelier Dupuis SAS",
                                                        "FR76 3000 6000 0112 3456 7890 189")
        assert not form.save_button.isEnabled()
        assert not form.logo.choose_button.isEnabled()
        assert not form.logo.remove_button.isEnabled()
        assert form.revert_button.isEnabled() and form.preview_button.isEnabled()
    finally:
        snapshot.engine.dispose()
