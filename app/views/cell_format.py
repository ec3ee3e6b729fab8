"""How table cells look, shared by the worklist and the debtor page: alignment, days-past-due
buckets and their colours, segment labels, stored timestamps in the user's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)

# Days past due buckets (DOMAIN.md §3) and a subtle text colour for each.
DPD_BUCKETS: tuple[tuple[int, str, str], ...] = (
    (0, "current", "#2e7d32"),
    (30, "1-30", "#5d6166"),
    (60, "31-60", "#b26a00"),
    (90, "61-90", "#c2410c"),
    (10**9, "91+", "#b91c1c"),
)

SEGMENT_LABELS = {"smb": "SMB", "key_accounts": "Key accounts", "public_sector": "Public sector"}


def dpd_bucket(days: int) -> tuple[str, str]:
    """(bucket label, colour) for a number of days past due."""
    for limit, label, colour in DPD_BUCKETS:
        if days <= limit:
            return label, colour
    return DPD_BUCKETS[-1][1], DPD_BUCKETS[-1][2]


def segment_label(segment: str | None) -> str:
    if not segment:
        return ""
    return SEGMENT_LABELS.get(segment) or segment.replace("_", " ").capitalize()


def hold_label(text: str | None) -> str:
    """The short word of a hold text for a narrow column: 'held: dispute #12 (pricing)' →
    'Dispute', 'legal file since 2025-05-02: …' → 'Legal file'."""
    if not text:
        return ""
    head = text.removeprefix("held: ")
    for stop in (" #", " since", " until", ":", " ("):
        head = head.split(stop, 1)[0]
    return head.strip().capitalize()


def local_time(value: datetime) -> datetime:
    """A stored timestamp in the user's time zone (SQLite gives UTC back without a zone)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone()
