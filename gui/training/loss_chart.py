"""A small line chart of training and validation loss by step (QPainter: Qt Charts is not in the
Essentials wheels we ship)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.providers.records import MetricPoint

TRAIN, VALID = QColor("#1f77b4"), QColor("#ff7f0e")
MARGIN_LEFT, MARGIN = 44, 18


class LossChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[MetricPoint] = []
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.labels = ("", "", "")  # train, validation, nothing yet

    def set_labels(self, train: str, valid: str, empty: str) -> None:
        self.labels = (train, valid, empty)
        self.update()

    def set_points(self, points: Sequence[MetricPoint]) -> None:
        self.points = sorted(points, key=lambda p: p.step)
        self.update()

    def _series(self, valid: bool) -> list[tuple[int, float]]:
        return [(p.step, v) for p in self.points if (v := (p.valid_loss if valid else p.train_loss)) is not None]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(MARGIN_LEFT, MARGIN, self.width() - MARGIN_LEFT - MARGIN, self.height() - 2 * MARGIN - 8)
        painter.setPen(QPen(self.palette().mid().color()))
        painter.drawRect(area)
        train, valid = self._series(False), self._series(True)
        if not train and not valid:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.labels[2])
            return
        values = [v for _, v in train + valid]
        steps = [s for s, _ in train + valid]
        low, high = min(values), max(values)
        first, last = min(steps), max(steps)
        high = high if high > low else low + 1
        last = last if last > first else first + 1

        def at(step: int, value: float) -> QPointF:
            return QPointF(area.left() + (step - first) / (last - first) * area.width(),
                           area.bottom() - (value - low) / (high - low) * area.height())

        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(0, area.top() - 6, MARGIN_LEFT - 4, 14), Qt.AlignmentFlag.AlignRight, f"{high:.2f}")
        painter.drawText(QRectF(0, area.bottom() - 8, MARGIN_LEFT - 4, 14), Qt.AlignmentFlag.AlignRight, f"{low:.2f}")
        painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 14), Qt.AlignmentFlag.AlignLeft,
                         str(first))
        painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 14), Qt.AlignmentFlag.AlignRight,
                         str(last))
        for series, color, label, row in ((train, TRAIN, self.labels[0], 0), (valid, VALID, self.labels[1], 1)):
            if not series:
                continue
            path = QPainterPath(at(*series[0]))
            for point in series[1:]:
                path.lineTo(at(*point))
            painter.setPen(QPen(color, 2))
            painter.drawPath(path)
            painter.drawText(QRectF(area.right() - 160, area.top() + 4 + row * 16, 152, 14),
                             Qt.AlignmentFlag.AlignRight, label)
