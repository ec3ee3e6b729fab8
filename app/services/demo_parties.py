"""The people of the demo ledger: the collecting firm, its users, debtors, contacts, touches.

Names come from per-country word lists (demo_words.py); e-mail domains use the reserved
`.example` top-level domain so no demo message can reach a real company.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from stdnum import iban, luhn

from app.services.demo_ledger import CURRENCIES, SEGMENTS, DemoProfiles
from app.services.demo_words import (
    BY_CURRENCY_ABROAD,
    CONTACT_ROLES,
    EUR_COUNTRIES,
    CountryWords,
)

USERS = (  # (name, role); controllers first, they are the account managers
    ("Julien Moreau", "controller"),
    ("Sophie Laurent", "controller"),
    ("Thomas Bernard", "controller"),
    ("Inès Garcia", "controller"),
    ("Claire Dubois", "manager"),
    ("Marc Petit", "admin"),
)
COMPANY_DOMAIN = "atelier-durand.example"
# Legal forms left out of e-mail domains once slugged ("S.r.l." → "s-r-l" → s, r, l).
_LEGAL_FORMS = frozenset({
    "sarl", "sas", "sa", "srl", "bv", "nv", "gmbh", "kg", "ag", "ltd", "plc", "dac", "llc", "inc",
    "co", "s", "l", "r", "p", "a", "b", "v", "n",
})
_SIREN_BODY = "85214796"


def _fr_iban(bank: str, branch: str, account: str) -> str:
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    return f"FR{iban.calc_check_digits('FR00' + bban)}{bban}"


def company_row() -> dict[str, Any]:
    """Atelier Durand SAS, Lyon: checksum-valid IBAN (RIB key + mod 97) and VAT number."""
    siren = _SIREN_BODY + luhn.calc_check_digit(_SIREN_BODY)
    vat_key = (12 + 3 * (int(siren) % 97)) % 97
    return {
        "name": "Atelier Durand SAS",
        "address_line1": "18 rue des Tanneurs",
        "address_line2": None,
        "postal_code": "69007",
        "city": "Lyon",
        "country": "FR",
        "iban": _fr_iban("30004", "00819", "00012345678"),
        "bic": "BNPAFRPPXXX",
        "registration_number": f"RCS Lyon {siren[:3]} {siren[3:6]} {siren[6:]}",
        "vat_number": f"FR{vat_key:02d}{siren}",
        "default_currency": "EUR",
        "default_language": "fr",
        "email": f"recouvrement@{COMPANY_DOMAIN}",
        "phone": "+33 4 72 71 45 30",
        "logo": None,
    }


def user_rows() -> list[dict[str, Any]]:
    return [
        {"name": name, "email": f"{_slug(name).replace('-', '.')}@{COMPANY_DOMAIN}", "role": role,
         "active": True}
        for name, role in USERS
    ]


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = "".join(ch if ch.isalnum() else "-" for ch in plain)
    return "-".join(part for part in out.split("-") if part)


def phone_number(r: random.Random, country: CountryWords, patterns: tuple[str, ...]) -> str:
    """+CC followed by a national number drawn from a valid range of `country` (see demo_words)."""
    pattern = r.choice(patterns)
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "#":
            out.append(str(r.randint(0, 9)))
        elif ch == "[":
            out.append(str(r.randint(int(pattern[i + 1]), int(pattern[i + 3]))))
            i += 4
        else:
            out.append(ch)
        i += 1
    return f"+{country.calling_code} {''.join(out)}"


class PartyMaker:
    """Deterministic debtor names, addresses and contacts for one seed."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.names: set[str] = set()
        self.domains: set[str] = set()

    def country_for(self, currency: str) -> CountryWords:
        if currency in BY_CURRENCY_ABROAD:
            return BY_CURRENCY_ABROAD[currency]
        countries, weights = zip(*EUR_COUNTRIES, strict=True)
        return self.r.choices(countries, weights)[0]

    def company_name(self, w: CountryWords, segment: str, city: str) -> str:
        pool = {"key_accounts": w.key, "public_sector": w.public}.get(segment, w.smb)
        for attempt in range(50):
            name = self.r.choice(pool).format(
                s=self.r.choice(w.surnames), s2=self.r.choice(w.surnames),
                c=city if attempt < 5 else self.r.choice(w.cities)[1], r=self.r.choice(w.regions),
            )
            name = name[0].upper() + name[1:]  # "de Vries Bouw B.V." opens a sentence
            if attempt >= 10:
                name = f"{name} ({self.r.choice(w.cities)[1]})"
            if attempt >= 30:
                name = f"{name} {attempt}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise AssertionError("unreachable: names end with a unique counter")

    def domain(self, name: str) -> str:
        words = [x for x in _slug(name).split("-") if x not in _LEGAL_FORMS]
        base = "-".join(words)[:40].strip("-") or "client"
        candidate, n = base, 1
        while candidate in self.domains:
            n += 1
            candidate = f"{base}-{n}"
        self.domains.add(candidate)
        return f"{candidate}.example"


def party_rows(
    seed: int, p: DemoProfiles, manager_ids: list[int], as_of: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Debtor rows (ids 1…n) and their contacts (1–3 each, exactly one primary)."""
    maker = PartyMaker(seed)
    r = maker.r
    debtors: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    created = datetime.combine(as_of - timedelta(days=760), time(9, 0), tzinfo=UTC)
    for i in range(len(p.segment)):
        segment = SEGMENTS[int(p.segment[i])]
        currency = CURRENCIES[int(p.currency[i])]
        w = maker.country_for(currency)
        language = r.choice(w.languages)
        postal, city, landline = r.choice(w.cities)
        name = maker.company_name(w, segment, city)
        domain = maker.domain(name)
        tags: list[str] = []
        if segment == "key_accounts" and r.random() < 0.3:
            tags.append("VIP")
        if int(p.behaviour[i]) in (3, 4) and r.random() < 0.4:
            tags.append("watch")
        limit = None
        if r.random() < 0.7:
            scale = {"key_accounts": 200, "smb": 15, "public_sector": 50}[segment]
            limit = Decimal(r.randint(1, 10) * scale * 1000)
        manager = manager_ids[(i * 7 + int(p.segment[i])) % len(manager_ids)]
        debtors.append({
            "id": i + 1, "source": "demo", "external_ref": f"C{i + 1:05d}", "name": name,
            "segment": segment, "country": w.code, "language": language,
            "account_manager_id": manager, "credit_limit": limit,
            "credit_limit_currency": currency if limit is not None else None,
            "tags": tags, "notes": None,
            "created_at": created - timedelta(days=r.randint(0, 2000)), "version": 1,
        })
        street = w.street.format(n=r.randint(1, 180), name=r.choice(w.street_names))
        roles = CONTACT_ROLES[language]
        for k in range(r.choices((1, 2, 3), (0.35, 0.45, 0.2))[0]):
            first, last = r.choice(w.first_names), r.choice(w.surnames)
            local = "compta" if k == 0 and language == "fr" else _slug(f"{first}.{last}")
            contacts.append({
                "debtor_id": i + 1, "name": f"{first} {last}", "role": roles[min(k, 3)],
                "email": f"{local.replace('-', '.')}@{domain}",
                "phone": phone_number(r, w, (landline,)),
                "mobile": phone_number(r, w, w.mobile) if r.random() < 0.6 else None,
                "address_line1": street, "address_line2": None, "postal_code": postal,
                "city": city, "country": w.code,
                "preferred_channel": r.choice(("email", "email", "email", "letter", "call")),
                "is_primary": k == 0,
            })
    return debtors, contacts


_TOUCHES = (
    ("email_sent", "Payment reminder e-mailed to {email}"),
    ("email_sent", "Statement of account e-mailed to {email}"),
    ("call", "Called {contact}: payment promised for next week"),
    ("call", "Called {contact}: asked for a copy of the latest invoices"),
    ("call", "Left a voicemail for {contact}"),
    ("note", "Customer asks to receive invoices by e-mail only"),
    ("note", "Remittance advice received; matching in progress"),
    ("note", "Delivery disputed on the last order; waiting for the proof of delivery"),
)


def touch_rows(seed: int, debtors: list[dict[str, Any]], contacts: list[dict[str, Any]],
               manager_names: dict[int, str], as_of: date) -> list[dict[str, Any]]:
    """0–3 past touches per debtor (e-mail, call, note) so the worklist's last touch is filled."""
    r = random.Random(seed * 31 + 5)
    primary = {c["debtor_id"]: c for c in contacts if c["is_primary"]}
    rows: list[dict[str, Any]] = []
    for d in debtors:
        c = primary[d["id"]]
        for _ in range(r.choices((0, 1, 2, 3), (0.3, 0.35, 0.25, 0.1))[0]):
            kind, text = r.choice(_TOUCHES)
            day = as_of - timedelta(days=r.randint(1, 120))
            at = datetime.combine(day, time(r.randint(8, 17), r.randint(0, 59)), tzinfo=UTC)
            rows.append({
                "at": at, "author": manager_names[d["account_manager_id"]],
                "debtor_id": d["id"], "kind": kind,
                "summary": text.format(email=c["email"], contact=c["name"]), "detail": None,
            })
    return rows
