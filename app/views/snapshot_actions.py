"""Offline review in the GUI: File ▸ Export snapshot…, File ▸ Open snapshot (read only)…, and the
"snapshot of DATE, read only" banner shown above every page while a snapshot is open.

`install_snapshot_support(window)` adds all three to a MainWindow (one call in its constructor).
Writes on a snapshot are refused by the database itself (app.db: a read-only database raises
ReadOnlyError on flush), so every page's write path shows the same clear message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.clock import utcnow
from app.errors import UserError
from app.services.snapshot import (
    SnapshotSummary,
    banner_text,
    export_snapshot,
    open_snapshot,
    snapshot_info,
)
from app.views.context import AppContext

FILE_PATTERN = "Collecta snapshot (*.collecta *.db);;All files (*)"


class SnapshotBanner(QLabel):
    """A yellow bar naming the snapshot's date; hidden on a live database."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("snapshotBanner")
        self.setStyleSheet("#snapshotBanner { background: #FFF4CE; color: #5C4400; "
                           "border-bottom: 1px solid #E0C36A; padding: 6px 12px; "
                           "font-weight: 600; }")
        ctx.changed.connect(lambda _change: self.update_from_database())
        self.update_from_database()

    def update_from_database(self) -> None:
        info = snapshot_info(self.ctx.db) if self.ctx.db.read_only else None
        self.setVisible(info is not None)
        if info is not None:
            self.setText(banner_text(info) + ": changes cannot be saved.")


def export_snapshot_to(ctx: AppContext, path: Path, on_done: Any = None) -> None:
    """Copy the open database into the snapshot file `path` as a background job."""
    assert ctx.jobs is not None
    ctx.jobs.run(
        "Exporting a snapshot",
        lambda job: export_snapshot(job.db, path, taken_at=utcnow(), progress=job.progress,
                                    cancelled=job.cancelled),
        on_done, lane="analytics")


def install_snapshot_support(window: QMainWindow) -> SnapshotBanner:
    """Add the two File menu items and the banner to `window` (a MainWindow with `.ctx`)."""
    ctx: AppContext = window.ctx  # type: ignore[attr-defined]
    banner = SnapshotBanner(ctx)
    content = window.takeCentralWidget()
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    if content is not None:
        layout.addWidget(content, 1)
    window.setCentralWidget(holder)
    found = next((a.menu() for a in window.menuBar().actions()
                  if a.text().replace("&", "") == "File"), None)
    menu = found if isinstance(found, QMenu) else window.menuBar().addMenu("&File")
    first = menu.actions()[0] if menu.actions() else None
    export = QAction("Export snapshot for offline review…", window)
    export.triggered.connect(lambda: _ask_export(window, ctx))
    opener = QAction("Open snapshot (read only)…", window)
    opener.triggered.connect(lambda: _ask_open(window))
    for action in (export, opener):
        if first is not None:
            menu.insertAction(first, action)
        else:
            menu.addAction(action)
    window.snapshot_banner = banner  # type: ignore[attr-defined]
    return banner


def _ask_export(window: QMainWindow, ctx: AppContext) -> None:
    name = f"collecta-snapshot-{ctx.as_of.isoformat()}.collecta"
    path, _ = QFileDialog.getSaveFileName(window, "Export a snapshot", str(Path.home() / name),
                                          FILE_PATTERN)
    if not path:
        return

    def done(summary: SnapshotSummary) -> None:
        QMessageBox.information(window, "Snapshot exported",
                                f"{summary.rows} rows copied to {summary.path}.")

    export_snapshot_to(ctx, Path(path), done)


def _ask_open(window: QMainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Open a snapshot", str(Path.home()),
                                          FILE_PATTERN)
    if not path:
        return
    try:
        db, _info = open_snapshot(Path(path))
    except UserError as exc:
        QMessageBox.warning(window, "Open snapshot", str(exc))
        return
    window.switch_database(db)  # type: ignore[attr-defined]
