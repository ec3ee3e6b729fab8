"""The progress of a background send on the Outbox tab: a bar, what was handled last, Pause /
Resume and Cancel. Not a modal dialog: a throttled run can take hours and the user keeps
working meanwhile (the send runs on its own lane, so imports and builds are not queued behind
it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.views.jobs import Job

SEND_LANE = "dispatch"


class SendingPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.job: Job[Any] | None = None
        self.bar = QProgressBar()
        self.bar.setMinimumWidth(260)
        self.bar.setFormat("%v of %m")
        self.status = QLabel()
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Stop after the message in hand; the rest waits, "
                                     "unclaimed, until you resume")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the message in hand; the rest stays queued "
                                      "for the next run")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(QLabel("Sending:"))
        row.addWidget(self.bar)
        row.addWidget(self.status, 1)
        row.addWidget(self.pause_button)
        row.addWidget(self.cancel_button)
        self.hide()

    def follow(self, job: Job[Any]) -> None:
        self.job = job
        self.bar.setRange(0, 0)  # busy until the first count arrives
        self.status.setText("Preparing…")
        self.pause_button.setText("Pause")
        self.pause_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        job.progressed.connect(self._progress)
        job.finished.connect(self._finished)
        self.show()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, total))
        if self.job is not None and self.job.cancel_requested:
            return
        if message == "paused":
            self.status.setText("Paused. Nothing is held: the rest is back in the queue "
                                "until you resume.")
        elif self.job is not None and self.job.paused:
            self.status.setText("Pausing after the message in hand…")
        else:
            self.status.setText(f"last: {message}")

    def toggle_pause(self) -> None:
        if self.job is None:
            return
        if self.job.paused:
            self.job.resume()
            self.pause_button.setText("Pause")
            self.status.setText("Resuming…")
        else:
            self.job.pause()
            self.pause_button.setText("Resume")
            self.status.setText("Pausing after the message in hand…")

    def cancel(self) -> None:
        if self.job is None:
            return
        self.job.cancel()
        self.job.resume()  # a paused run must wake up to see the cancel
        self.pause_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling after the message in hand…")

    def _finished(self, _job: object) -> None:
        self.job = None
        self.hide()
