"""How table cells look, shared by the worklist and the debtor page: alignment, days-past-due
buckets and their colours, segment labels, stored timestamps in the user's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

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


def local_time(value: datetime) -> datetime:
    """A stored timestamp in the user's time zone (SQLite gives UTC back without a zone)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone()
