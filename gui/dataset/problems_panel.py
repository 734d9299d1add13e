"""Problems grouped by kind, with counts. Clicking a group shows only its rows; clicking a row goes there."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from core.dataset.check import CheckReport
from core.dataset.validate import Problem, Severity, problem_title
from gui import icons
from gui.widgets.plain_text import tooltip

SHOWN_PER_GROUP = 200  # a group lists its first rows; the filter shows them all
CodeRole = Qt.ItemDataRole.UserRole
RowRole = Qt.ItemDataRole.UserRole + 1


FIXABLE = frozenset({"needs_chat"})  # file-level problems with a one-click fix


class ProblemsPanel(QTreeWidget):
    group_chosen = Signal(str)  # a problem code: show the rows that have it
    row_chosen = Signal(int, str)  # a 0-based document index and the code
    fix_chosen = Signal(str)  # a file-level problem that one fix solves (FIXABLE)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)

    def show_report(self, report: CheckReport | None) -> None:
        self.clear()
        if report is None:
            return
        groups: dict[tuple[Severity, str], list[Problem]] = defaultdict(list)
        for problem in report.problems:
            groups[(problem.severity, problem.code)].append(problem)
        ordered = sorted(groups.items(), key=lambda item: (item[0][0] is not Severity.ERROR, -len(item[1])))
        for (severity, code), problems in ordered:
            rows = [p for p in problems if p.line is not None]
            title = problems[0].message if not rows else self.tr("{title} ({n})").format(
                title=problem_title(code), n=len(rows))
            group = QTreeWidgetItem([title])
            group.setIcon(0, icons.icon("error" if severity is Severity.ERROR else "warning"))
            group.setData(0, CodeRole, code)
            group.setToolTip(0, tooltip(problems[0].message + ("\n" + self.tr("Click to fix it.") if code in FIXABLE
                                                                else "")))
            for problem in rows[:SHOWN_PER_GROUP]:
                child = QTreeWidgetItem([self.tr("Row {n}: {message}").format(n=problem.line,
                                                                             message=problem.message)])
                child.setData(0, CodeRole, code)
                child.setData(0, RowRole, problem.line - 1)  # type: ignore[operator]
                group.addChild(child)
            if len(rows) > SHOWN_PER_GROUP:
                group.addChild(QTreeWidgetItem([self.tr("… and {n} more (click the group to see them all)").format(
                    n=len(rows) - SHOWN_PER_GROUP)]))
            self.addTopLevelItem(group)

    def _clicked(self, item: QTreeWidgetItem) -> None:
        code, row = item.data(0, CodeRole), item.data(0, RowRole)
        if row is not None:
            self.row_chosen.emit(int(row), str(code))
        elif code and item.childCount():
            self.group_chosen.emit(str(code))
        elif code in FIXABLE:
            self.fix_chosen.emit(str(code))

