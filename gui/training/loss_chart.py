"""The loss chart of a job: a sentence saying what will appear until there are points, then the plot
(pyqtgraph, imported only when a chart with points is first shown: it takes half a second to load)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedLayout, QWidget

from core.providers.records import MetricPoint
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating

if TYPE_CHECKING:
    from gui.training.loss_plot import LossPlot

MAX_EPOCH_LINES = 50  # a server's odd epoch count must not draw a million lines


def epoch_steps(epochs: int | None, total_steps: int | None) -> tuple[int, ...]:
    """The steps where one epoch ends and the next begins, when both counts are known."""
    if not epochs or not total_steps or not 1 < epochs <= MAX_EPOCH_LINES or total_steps < epochs:
        return ()
    return tuple(round(total_steps * epoch / epochs) for epoch in range(1, epochs))


class LossChart(Retranslating, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[MetricPoint] = []
        self.epochs: tuple[int, ...] = ()  # steps of the epoch boundaries
        self.plot: LossPlot | None = None
        self.empty = plain_label(QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter))
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.empty)
        self.empty.setMinimumHeight(150)  # the chart's own minimum comes from its layout: nothing overlaps
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.retranslate()

    def retranslate(self) -> None:
        self.empty.setText(self.tr("The training loss will appear here once the job starts training."))

    def set_points(self, points: Sequence[MetricPoint], epochs: int | None = None,
                   total_steps: int | None = None) -> None:
        """The points so far; with the job's epoch count and its total steps, the epoch boundaries too."""
        self.points = sorted(points, key=lambda p: p.step)
        self.epochs = epoch_steps(epochs, total_steps)
        self._refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._refresh()

    def _refresh(self) -> None:
        if not self.points:
            self.stack.setCurrentWidget(self.empty)
            return
        if self.plot is None:
            if not self.isVisible():
                return  # built when first shown
            from gui.training.loss_plot import LossPlot  # start-up speed: pyqtgraph loads only now

            self.plot = LossPlot()
            self.stack.addWidget(self.plot)
        self.plot.show_points(self.points, self.epochs)
        self.stack.setCurrentWidget(self.plot)
