"""A manager approves or rejects a campaign; an approved campaign is locked. Exclusions before
approval; `mark_action_sent` and `items_still_due` are what dispatch calls (DOMAIN.md §6.8)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import NotFoundError, PermissionDenied, UserError
from app.models import (
    AppUser,
    Campaign,
    CampaignAction,
    CampaignActionItem,
    Invoice,
    StepHistory,
)
from app.services.activity import log_activity
from app.services.collection.previews import render_stored_actions
from app.services.dispatch.enqueue import enqueue_campaign
from app.services.ledger.open_items import open_items_query

APPROVER_ROLES = ("manager", "admin")
OPEN_FOR_EDIT = ("draft", "pending_approval")
SENT_KINDS = {"email": "email_sent", "sms": "sms_sent", "letter": "letter_sent", "call": "call"}


def _campaign(session: Session, campaign_id: int) -> Campaign:
    c = session.get(Campaign, campaign_id)
    if c is None:
        raise NotFoundError(f"Campaign #{campaign_id} does not exist")
    return c


def require_approver(session: Session, user: str) -> AppUser:
    """The user, if their role may approve campaigns; PermissionDenied otherwise."""
    u = session.scalar(select(AppUser).where(AppUser.name == user))
    if u is None or not u.active:
        raise PermissionDenied(f"'{user}' is not an active Collecta user; only a manager or an "
                               "admin can approve or reject a campaign")
    if u.role not in APPROVER_ROLES:
        raise PermissionDenied(f"{u.name} is a {u.role}; only a manager or an admin can approve "
                               "or reject a campaign")
    return u


def _release_history(session: Session, campaign_id: int, action_id: int | None = None) -> None:
    """Forget proposed/skipped steps, so the items can be proposed again by a later build."""
    q = delete(StepHistory).where(StepHistory.campaign_id == campaign_id,
                                  StepHistory.outcome != "sent")
    if action_id is not None:
        invoice_ids = select(CampaignActionItem.invoice_id).where(
            CampaignActionItem.action_id == action_id)
        q = q.where(StepHistory.invoice_id.in_(invoice_ids))
    session.execute(q)


def _store_previews(session: Session, campaign_id: int) -> None:
    """Freeze the exact text of every kept line: what dispatch sends is what was approved."""
    ids = list(session.scalars(select(CampaignAction.id).where(
        CampaignAction.campaign_id == campaign_id, CampaignAction.excluded.is_(False),
        CampaignAction.preview.is_(None)).order_by(CampaignAction.id)))
    texts = render_stored_actions(session, ids)
    if texts:
        session.execute(update(CampaignAction), [{"id": i, "preview": p} for i, p in texts.items()])


def approve_campaign(session: Session, campaign_id: int, *, user: str) -> int:
    """Lock the campaign, store each kept line's text and queue its messages; returns how many
    messages were queued."""
    approver = require_approver(session, user)
    c = _campaign(session, campaign_id)
    if c.status not in OPEN_FOR_EDIT:
        raise UserError(f"Campaign #{c.id} is {c.status.replace('_', ' ')}; only a campaign "
                        "pending approval can be approved")
    c.status, c.decided_by, c.decided_at = "approved", approver.name, utcnow()
    _store_previews(session, c.id)
    queued = enqueue_campaign(session, c.id, author=approver.name, at=c.decided_at)
    count = session.scalar(select(CampaignAction.id).where(
        CampaignAction.campaign_id == c.id, CampaignAction.excluded.is_(False)).limit(1))
    log_activity(session, author=approver.name, kind="campaign_approved",
                 summary=f"Campaign #{c.id} of {c.as_of.isoformat()} approved"
                 + ("" if count else " (no action left)"), detail={"campaign_id": c.id})
    session.flush()
    return queued


def reject_campaign(session: Session, campaign_id: int, *, user: str, reason: str) -> None:
    approver = require_approver(session, user)
    if not reason.strip():
        raise UserError("Say why the campaign is rejected")
    c = _campaign(session, campaign_id)
    if c.status not in OPEN_FOR_EDIT:
        raise UserError(f"Campaign #{c.id} is {c.status.replace('_', ' ')}; it cannot be rejected")
    c.status, c.decided_by, c.decided_at = "rejected", approver.name, utcnow()
    c.reject_reason, c.as_of_key = reason.strip(), None
    _release_history(session, c.id)
    log_activity(session, author=approver.name, kind="campaign_rejected",
                 summary=f"Campaign #{c.id} of {c.as_of.isoformat()} rejected: {reason.strip()}",
                 detail={"campaign_id": c.id})
    session.flush()


def exclude_action(session: Session, action_id: int, *, user: str, reason: str) -> None:
    """Take one line out of a campaign before approval; its items may be proposed again later."""
    a = session.get(CampaignAction, action_id)
    if a is None:
        raise NotFoundError(f"Campaign action #{action_id} does not exist")
    c = _campaign(session, a.campaign_id)
    if c.status not in OPEN_FOR_EDIT:
        raise UserError(f"Campaign #{c.id} is {c.status.replace('_', ' ')} and locked; "
                        "lines can no longer be excluded")
    if not reason.strip():
        raise UserError("Give a reason for excluding this line")
    if a.excluded:
        return
    a.excluded, a.exclude_reason, a.excluded_by = True, reason.strip(), user
    _release_history(session, c.id, a.id)
    log_activity(session, author=user, kind="action_excluded", debtor_id=a.debtor_id,
                 summary=f"Excluded from campaign #{c.id}: {reason.strip()}",
                 detail={"campaign_id": c.id, "action_id": a.id})
    session.flush()


def items_still_due(session: Session, action_id: int, as_of: date) -> list[int]:
    """The action's invoices still open as of `as_of` (paid/credited ones are dropped, §6.8)."""
    a = session.get(CampaignAction, action_id)
    if a is None:
        raise NotFoundError(f"Campaign action #{action_id} does not exist")
    wanted = {i.invoice_id for i in a.items}
    return sorted(
        r.item_id for r in session.execute(open_items_query(as_of, a.debtor_id)).all()
        if r.item_type == "invoice" and r.item_id in wanted and r.residual_cents > 0
    )


def mark_action_sent(session: Session, action_id: int, at: datetime, *, author: str) -> None:
    """Record an approved action as sent: its steps become sent and the touch is logged."""
    a = session.get(CampaignAction, action_id)
    if a is None:
        raise NotFoundError(f"Campaign action #{action_id} does not exist")
    c = _campaign(session, a.campaign_id)
    if c.status not in ("approved", "dispatched"):
        raise UserError(f"Campaign #{c.id} is {c.status.replace('_', ' ')}; only approved "
                        "actions can be sent")
    if a.excluded:
        raise UserError(f"Action #{a.id} was excluded ({a.exclude_reason}); it is not sent")
    if a.sent_at is not None:
        return
    a.sent_at = at
    session.execute(update(StepHistory).where(StepHistory.action_id == a.id)
                    .values(outcome="sent", sent_at=at))
    numbers = session.scalars(select(Invoice.number).where(
        Invoice.id.in_([i.invoice_id for i in a.items])).order_by(Invoice.number)).all()
    preview = (a.preview or {}).get(a.channels[0], {})
    log_activity(session, author=author, kind=SENT_KINDS[a.channels[0]], debtor_id=a.debtor_id,
                 summary=f"{' + '.join(a.channels).capitalize()} sent: "
                 f"{preview.get('subject') or 'reminder'} ({', '.join(numbers)})",
                 detail={"campaign_id": c.id, "action_id": a.id, "channels": a.channels},
                 at=at)
    session.flush()
