"""The actions list of the rule editor: one row per action (type ▾ and the editors that type
needs: plan, user or round-robin team, tag, task kind and due days, hold days, message, and for
notify "also email" the account manager or a named user)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.models import TASK_KINDS, USER_ROLES
from app.services.rules.actions import ACTION_TYPES


class ActionRow(QWidget):
    edited = Signal()

    def __init__(self, choices: dict[str, list[str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = choices
        self.type = QComboBox()
        for key, label in ACTION_TYPES.items():
            self.type.addItem(label, key)
        self.remove = QPushButton("✕")
        self.remove.setFixedWidth(28)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.type)
        self.params: dict[str, QWidget] = {}
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.remove)
        self.type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()

    def _combo(self, items: list[tuple[str, Any]], editable: bool = False) -> QComboBox:
        box = QComboBox()
        box.setEditable(editable)
        for label, data in items:
            box.addItem(label, data)
        box.setMinimumWidth(150)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        box.currentIndexChanged.connect(lambda *_: self.edited.emit())
        box.currentTextChanged.connect(lambda *_: self.edited.emit())
        return box

    def _assignee(self) -> QComboBox:
        return self._combo([(u, {"user": u}) for u in self.choices.get("account_manager", [])]
                           + [(f"Round-robin: {r}s", {"team": r}) for r in USER_ROLES])

    def _spin(self, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, 3650)
        spin.setValue(value)
        spin.setSuffix(suffix)
        spin.valueChanged.connect(lambda *_: self.edited.emit())
        return spin

    def _type_changed(self) -> None:
        for w in self.params.values():
            self.layout_.removeWidget(w)
            w.hide()
            w.deleteLater()
        kind = self.type.currentData()
        p: dict[str, QWidget] = {}
        if kind == "move_to_plan":
            p["plan"] = self._combo([(n, n) for n in self.choices.get("plan", [])])
        elif kind == "assign_manager":
            p["who"] = self._assignee()
        elif kind in ("add_tag", "remove_tag"):
            p["tag"] = self._combo([(t, t) for t in self.choices.get("tags", [])], editable=True)
        elif kind == "create_task":
            p["kind"] = self._combo([(k, k) for k in TASK_KINDS])
            p["who"] = self._assignee()
            p["due"] = self._spin(2, " days to do it")
        elif kind == "hold":
            p["days"] = self._spin(14, " days on hold")
        elif kind == "notify":
            line = QLineEdit()
            line.setPlaceholderText("message (optional)")
            line.setMinimumWidth(180)
            line.textChanged.connect(lambda *_: self.edited.emit())
            p["message"] = line
            email = QCheckBox("Also email")
            email.setToolTip("Queue an email to the debtor's account manager (or the user "
                             "chosen) each time the rule fires")
            p["email"] = email
            p["email_to"] = self._combo(
                [("the account manager", None)]
                + [(u, u) for u in self.choices.get("account_manager", [])])
            p["email_to"].setEnabled(False)
            email.toggled.connect(p["email_to"].setEnabled)
            email.toggled.connect(lambda *_: self.edited.emit())
        self.params = p
        for n, w in enumerate(p.values()):
            self.layout_.insertWidget(1 + n, w)
            w.show()
        self.edited.emit()

    def action(self) -> dict[str, Any]:
        kind = self.type.currentData()
        out: dict[str, Any] = {"type": kind}
        for key, w in self.params.items():
            if key == "who" and isinstance(w, QComboBox):
                out.update(w.currentData() or {})
            elif isinstance(w, QCheckBox):
                if w.isChecked():
                    out[key] = True
            elif key == "email_to" and isinstance(w, QComboBox):
                if out.get("email") and w.currentData():
                    out["user"] = w.currentData()
            elif key == "due" and isinstance(w, QSpinBox):
                out["due_in_days"] = w.value()
            elif isinstance(w, QSpinBox):
                out[key] = w.value()
            elif isinstance(w, QComboBox):
                out[key] = w.currentText()
            elif isinstance(w, QLineEdit) and w.text():
                out[key] = w.text()
        return out

    def set_action(self, a: dict[str, Any]) -> None:
        self.type.setCurrentIndex(self.type.findData(a.get("type")))
        for key, w in self.params.items():
            if key == "who" and isinstance(w, QComboBox):
                wanted = {"user": a["user"]} if a.get("user") else {"team": a.get("team")}
                w.setCurrentIndex(max(0, w.findData(wanted)))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(a.get(key)))
            elif key == "email_to" and isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(a.get("user"))))
            elif isinstance(w, QSpinBox):
                w.setValue(int(a.get("due_in_days" if key == "due" else key, w.value())))
            elif isinstance(w, QComboBox):
                w.setCurrentText(str(a.get(key, "")))
            elif isinstance(w, QLineEdit):
                w.setText(str(a.get(key, "")))


class ActionsList(QWidget):
    edited = Signal()

    def __init__(self, choices: dict[str, list[str]], add_label: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = choices
        self.rows: list[ActionRow] = []
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.add = QPushButton(add_label)
        self.add.clicked.connect(lambda: self.add_action())
        self.box.addWidget(self.add)

    def add_action(self, a: dict[str, Any] | None = None) -> ActionRow:
        row = ActionRow(self.choices)
        if a is not None:
            row.set_action(a)
        row.edited.connect(lambda *_: self.edited.emit())
        row.remove.clicked.connect(lambda: self._remove(row))
        self.rows.append(row)
        self.box.insertWidget(self.box.count() - 1, row)
        row.show()
        self.edited.emit()
        return row

    def _remove(self, row: ActionRow) -> None:
        self.rows.remove(row)
        self.box.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.edited.emit()

    def actions(self) -> list[dict[str, Any]]:
        return [r.action() for r in self.rows]

    def set_actions(self, actions: list[dict[str, Any]]) -> None:
        for r in list(self.rows):
            self._remove(r)
        for a in actions:
            self.add_action(a)
