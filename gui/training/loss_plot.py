"""The plot behind the loss chart (pyqtgraph): training and validation loss by step with a legend, the values
under the cursor, drag-to-zoom with a button that undoes it, and dashed lines where epochs begin. Colours come
from the palette and the app's status colours, so light and dark themes both read well."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.providers.records import MetricPoint
from gui.colors import colour
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating


class LossPlot(Retranslating, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[MetricPoint] = []
        self.steps: list[int] = []
        self.epochs: tuple[int, ...] = ()
        self.widget = pg.PlotWidget(enableMenu=False)
        self.item = self.widget.getPlotItem()
        self.item.hideButtons()
        self.item.showGrid(x=True, y=True, alpha=0.15)
        self.view = self.item.getViewBox()
        self.view.setMouseMode(pg.ViewBox.RectMode)  # drag a rectangle to zoom into it
        self.legend = self.item.addLegend(offset=(-10, 10), colCount=2)  # one row: small charts keep their lines
        self.train, self.valid = self.item.plot(), self.item.plot()
        self.marker = pg.ScatterPlotItem(size=9)
        self.label = pg.TextItem(anchor=(0, 1), ensureInBounds=True)
        self.item.addItem(self.marker, ignoreBounds=True)
        self.item.addItem(self.label, ignoreBounds=True)
        self.epoch_lines: list[pg.InfiniteLine] = []
        self.hint = plain_label(QLabel())
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.reset_button = QPushButton()
        tools = QHBoxLayout()
        tools.addWidget(self.hint, 1)
        tools.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.widget.setMinimumHeight(120)
        layout.addWidget(self.widget, 1)
        layout.addLayout(tools)
        self.reset_button.clicked.connect(self.reset_zoom)
        self.widget.viewport().installEventFilter(self)  # every move (the scene's signal drops fast ones)
        self._hide_hover()
        self._colour()
        self.retranslate()

    def retranslate(self) -> None:
        self.item.setLabel("bottom", self.tr("Step"))
        self.item.setLabel("left", self.tr("Loss"))
        self.hint.setText(self.tr("Point at the lines to read the values; drag a rectangle to zoom in."))
        self.reset_button.setText(self.tr("Reset zoom"))
        self._draw()

    def show_points(self, points: Sequence[MetricPoint], epochs: tuple[int, ...]) -> None:
        self.points, self.epochs = list(points), epochs
        self.steps = [p.step for p in self.points]
        self._draw()

    def reset_zoom(self) -> None:
        self.view.enableAutoRange()
        self.view.autoRange()

    def _series(self, valid: bool) -> tuple[list[int], list[float]]:
        pairs = [(p.step, v) for p in self.points if (v := _loss(p, valid)) is not None]
        return [s for s, _ in pairs], [v for _, v in pairs]

    def _draw(self) -> None:
        self.legend.clear()
        for curve, valid, name in ((self.train, False, self.tr("training loss")),
                                   (self.valid, True, self.tr("validation loss"))):
            steps, values = self._series(valid)
            curve.setData(steps, values)
            if steps:
                self.legend.addItem(curve, name)
        for line in self.epoch_lines:
            self.item.removeItem(line)
        pen = pg.mkPen(self._muted(), style=Qt.PenStyle.DashLine)
        self.epoch_lines = [pg.InfiniteLine(step, pen=pen, label=self.tr("epoch {n}").format(n=n),
                                            labelOpts={"position": 0.96, "color": self._muted(), "anchors":
                                                       [(0, 0), (0, 0)]})
                            for n, step in enumerate(self.epochs, start=2)]
        for line in self.epoch_lines:
            self.item.addItem(line, ignoreBounds=True)

    def _muted(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.PlaceholderText)

    def _colour(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        self.widget.setBackground(palette.color(QPalette.ColorRole.Base))
        for side in ("left", "bottom"):
            axis = self.item.getAxis(side)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
        self.legend.setLabelTextColor(text)
        self.legend.setBrush(pg.mkBrush(palette.color(QPalette.ColorRole.Base)))
        self.train.setPen(pg.mkPen(colour("info"), width=2))
        self.valid.setPen(pg.mkPen(colour("warning"), width=2))
        self.marker.setBrush(pg.mkBrush(text))
        self.label.setColor(text)
        self.label.fill = pg.mkBrush(palette.color(QPalette.ColorRole.ToolTipBase))
        self.label.border = pg.mkPen(palette.color(QPalette.ColorRole.Mid))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.PaletteChange:
            self._colour()
            self._draw()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if isinstance(event, QMouseEvent) and event.type() == QEvent.Type.MouseMove:
            self._hover(self.widget.mapToScene(event.position().toPoint()))
        elif event.type() == QEvent.Type.Leave:
            self._hide_hover()
        return False

    def _hover(self, scene_position: QPointF) -> None:
        if not self.steps or not self.view.sceneBoundingRect().contains(scene_position):
            self._hide_hover()
            return
        point = self._nearest(self.view.mapSceneToView(scene_position).x())
        train, valid = _loss(point, False), _loss(point, True)
        values = [v for v in (train, valid) if v is not None]
        if not values:
            self._hide_hover()
            return
        lines = [self.tr("Step {step}").format(step=point.step)]
        if train is not None:
            lines.append(self.tr("training loss {loss:.3f}").format(loss=train))
        if valid is not None:
            lines.append(self.tr("validation loss {loss:.3f}").format(loss=valid))
        self.marker.setData([point.step] * len(values), values)
        self.label.setText("\n".join(lines))
        self.label.setPos(point.step, max(values))
        self.label.show()

    def _nearest(self, step: float) -> MetricPoint:
        index = min(bisect_left(self.steps, step), len(self.steps) - 1)
        if index > 0 and step - self.steps[index - 1] < self.steps[index] - step:
            index -= 1
        return self.points[index]

    def _hide_hover(self) -> None:
        self.marker.setData([], [])
        self.label.hide()


def _loss(point: MetricPoint, valid: bool) -> float | None:
    """The point's loss, unless a server sent something that cannot be drawn (inf, nan)."""
    value = point.valid_loss if valid else point.train_loss
    return value if value is not None and math.isfinite(value) else None
