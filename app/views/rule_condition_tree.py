"""The condition tree of the rule editor: groups ("All of" / "Any of") and conditions (fact,
operator, a value editor that matches the fact's type). `condition()` returns the JSON the
service stores; `edited` fires on every change so the live preview can follow."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.services.rules.conditions import OPERATORS, OPS_BY_KIND
from app.services.rules.facts import FACT_BY_KEY, FACTS

NUMERIC = ("amount", "number", "days", "count", "percent")
SUFFIX = {"days": " days", "percent": " %", "number": "", "count": ""}


class ChoicesButton(QToolButton):
    """Several values from a list (for `in` / `not in`): a button with a checkable menu."""

    changed = Signal()

    def __init__(self, choices: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        for c in choices:
            action = self.menu().addAction(c)
            action.setCheckable(True)
            action.toggled.connect(self._toggled)
        self._toggled()

    def values(self) -> list[str]:
        return [a.text() for a in self.menu().actions() if a.isChecked()]

    def set_values(self, values: list[str]) -> None:
        for a in self.menu().actions():
            a.setChecked(a.text() in values)

    def _toggled(self) -> None:
        self.setText(", ".join(self.values()) or "choose…")
        self.changed.emit()


class ConditionRow(QWidget):
    """fact ▾  operator ▾  value  ✕"""

    edited = Signal()

    def __init__(self, choices: dict[str, list[str]], currencies: list[str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.choices, self.currencies = choices, currencies
        self.fact = QComboBox()
        for spec in FACTS:
            self.fact.addItem(spec.label, spec.key)
            self.fact.setItemData(self.fact.count() - 1, spec.help, 3)  # tooltip role
        self.op = QComboBox()
        self.remove = QPushButton("✕")
        self.remove.setToolTip("Delete this condition")
        self.remove.setFixedWidth(28)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(2, 1, 2, 1)
        self.layout_.addWidget(self.fact)
        self.layout_.addWidget(self.op)
        self.values: list[QWidget] = []
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.remove)
        self.fact.currentIndexChanged.connect(self._fact_changed)
        self.op.currentIndexChanged.connect(self._op_changed)
        self._fact_changed()

    @property
    def kind(self) -> str:
        return FACT_BY_KEY[self.fact.currentData()].kind

    def _fact_changed(self) -> None:
        self.op.blockSignals(True)
        self.op.clear()
        for op in OPS_BY_KIND[self.kind]:
            self.op.addItem(OPERATORS[op], op)
        if self.kind in NUMERIC:
            self.op.setCurrentIndex(self.op.findData(">"))
        self.op.blockSignals(False)
        self._op_changed()

    def _spin(self) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-1e12 if self.kind == "amount" else 0, 1e12)
        spin.setDecimals(2 if self.kind == "amount" else (1 if self.kind in ("number", "percent")
                                                          else 0))
        spin.setGroupSeparatorShown(True)
        spin.setSuffix(SUFFIX.get(self.kind, ""))
        spin.setMinimumWidth(110)
        spin.valueChanged.connect(lambda *_: self.edited.emit())
        return spin

    def _op_changed(self) -> None:
        for w in self.values:
            self.layout_.removeWidget(w)
            w.hide()
            w.deleteLater()
        self.values = []
        op = self.op.currentData()
        key = self.fact.currentData()
        if op == "is_empty":
            pass
        elif self.kind in NUMERIC:
            self.values = [self._spin() for _ in range(2 if op == "between" else 1)]
            if self.kind == "amount":
                cur = QComboBox()
                cur.addItems(self.currencies)
                cur.currentIndexChanged.connect(lambda *_: self.edited.emit())
                self.values.append(cur)
        elif op in ("in", "not_in"):
            button = ChoicesButton(self.choices.get(key, []))
            button.changed.connect(lambda *_: self.edited.emit())
            self.values = [button]
        else:
            box = QComboBox()
            box.setEditable(self.kind in ("tags", "text"))
            box.addItems(self.choices.get(key, []))
            box.setMinimumWidth(140)
            box.currentTextChanged.connect(lambda *_: self.edited.emit())
            self.values = [box]
        for n, w in enumerate(self.values):
            self.layout_.insertWidget(2 + n, w)
            w.show()
        self.edited.emit()

    def condition(self) -> dict[str, Any]:
        op = self.op.currentData()
        out: dict[str, Any] = {"fact": self.fact.currentData(), "op": op}
        if op == "is_empty":
            return out
        if self.kind in NUMERIC:
            spins = [w for w in self.values if isinstance(w, QDoubleSpinBox)]
            numbers: list[Any] = [s.value() for s in spins]
            if self.kind == "amount":
                cur = self.values[-1]
                assert isinstance(cur, QComboBox)
                numbers = [{"amount": f"{Decimal(str(v)):.2f}", "currency": cur.currentText()}
                           for v in numbers]
            elif self.kind in ("days", "count"):
                numbers = [int(v) for v in numbers]
            out["value"] = numbers if op == "between" else numbers[0]
        elif isinstance(self.values[0], ChoicesButton):
            out["value"] = self.values[0].values()
        else:
            box = self.values[0]
            assert isinstance(box, QComboBox)
            out["value"] = box.currentText()
        return out

    def set_condition(self, node: dict[str, Any]) -> None:
        self.fact.setCurrentIndex(self.fact.findData(node["fact"]))
        self.op.setCurrentIndex(self.op.findData(node["op"]))
        value = node.get("value")
        if node["op"] == "is_empty":
            return
        if self.kind in NUMERIC:
            items = value if node["op"] == "between" else [value]
            spins = [w for w in self.values if isinstance(w, QDoubleSpinBox)]
            for spin, v in zip(spins, items, strict=False):
                spin.setValue(float(v["amount"]) if isinstance(v, dict) else float(v))
            if self.kind == "amount" and isinstance(self.values[-1], QComboBox):
                self.values[-1].setCurrentText(items[0]["currency"])
        elif isinstance(self.values[0], ChoicesButton):
            self.values[0].set_values(list(value))
        elif isinstance(self.values[0], QComboBox):
            self.values[0].setCurrentText(str(value))


class GroupRow(QWidget):
    """All of ▾  + Condition  + Group  ✕"""

    def __init__(self, removable: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.mode = QComboBox()
        self.mode.addItem("All of these hold", "all")
        self.mode.addItem("Any of these holds", "any")
        self.add_condition = QPushButton("+ Condition")
        self.add_group = QPushButton("+ Group")
        self.remove = QPushButton("✕")
        self.remove.setFixedWidth(28)
        self.remove.setVisible(removable)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 1, 2, 1)
        for w in (self.mode, self.add_condition, self.add_group):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(self.remove)


class ConditionTree(QTreeWidget):
    edited = Signal()

    def __init__(self, choices: dict[str, list[str]], currencies: list[str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.choices, self.currencies = choices, currencies
        self.setHeaderHidden(True)
        self.setIndentation(22)
        self.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.set_condition({"all": []})

    def _add_group(self, parent: QTreeWidgetItem | None, mode: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        if parent is None:
            self.addTopLevelItem(item)
        else:
            parent.addChild(item)
        row = GroupRow(removable=parent is not None)
        row.mode.setCurrentIndex(row.mode.findData(mode))
        row.mode.currentIndexChanged.connect(lambda *_: self.edited.emit())
        row.add_condition.clicked.connect(lambda: self.add_condition(item))
        row.add_group.clicked.connect(lambda: self._new_group(item))
        row.remove.clicked.connect(lambda: self._remove(item))
        self.setItemWidget(item, 0, row)
        item.setExpanded(True)
        return item

    def _new_group(self, parent: QTreeWidgetItem) -> None:
        group = self._add_group(parent, "any")
        self.add_condition(group)

    def add_condition(self, parent: QTreeWidgetItem | None = None,
                      node: dict[str, Any] | None = None) -> ConditionRow:
        parent = parent or self.topLevelItem(0)
        item = QTreeWidgetItem()
        parent.addChild(item)
        row = ConditionRow(self.choices, self.currencies)
        if node is not None:
            row.set_condition(node)
        row.edited.connect(lambda *_: self.edited.emit())
        row.remove.clicked.connect(lambda: self._remove(item))
        self.setItemWidget(item, 0, row)
        parent.setExpanded(True)
        self.edited.emit()
        return row

    def _remove(self, item: QTreeWidgetItem) -> None:
        parent = item.parent()
        if parent is not None:
            parent.removeChild(item)
            self.edited.emit()

    def _fill(self, parent: QTreeWidgetItem | None, node: dict[str, Any]) -> None:
        mode = "all" if "all" in node else "any"
        group = self._add_group(parent, mode)
        for child in node[mode]:
            if "all" in child or "any" in child:
                self._fill(group, child)
            else:
                self.add_condition(group, child)

    def set_condition(self, node: dict[str, Any]) -> None:
        self.clear()
        self._fill(None, node if ("all" in node or "any" in node) else {"all": [node]})
        self.edited.emit()

    def _node(self, item: QTreeWidgetItem) -> dict[str, Any]:
        widget = self.itemWidget(item, 0)
        if isinstance(widget, ConditionRow):
            return widget.condition()
        assert isinstance(widget, GroupRow)
        return {widget.mode.currentData(): [self._node(item.child(i))
                                            for i in range(item.childCount())]}

    def condition(self) -> dict[str, Any]:
        return self._node(self.topLevelItem(0))

    def condition_rows(self) -> list[ConditionRow]:
        out = []
        stack = [self.topLevelItem(0)]
        while stack:
            item = stack.pop(0)
            widget = self.itemWidget(item, 0)
            if isinstance(widget, ConditionRow):
                out.append(widget)
            stack += [item.child(i) for i in range(item.childCount())]
        return out
