"""The way through the app above the tabs: Connect → Prepare data → Train → Try → Use. Each step shows whether it
is done, under way or still to do, with a one-line caption; the tab in front is marked, the next step to do is in
the accent colour, and a click (or Enter/Space) opens the step's tab. Painted by hand (no icon set needed), so it
is complete on the first paint."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QSizePolicy, QWidget

from gui.colors import colour
from gui.journey import Journey, State, Step, StepView
from gui.theme import LARGE, MEDIUM, SMALL, space
from gui.widgets.retranslating import Retranslating

CIRCLE = 26


class StepButton(QAbstractButton):
    def __init__(self, step: Step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.view = StepView(step, "", State.TODO, "")
        self.current = self.next = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)

    def show_view(self, view: StepView, total: int, current: bool, upcoming: bool) -> None:
        self.view, self.current, self.next = view, current, upcoming
        state = {State.DONE: self.tr("done"), State.ACTIVE: self.tr("under way"), State.TODO: self.tr("to do")}
        self.setText(view.title)
        self.setAccessibleName(self.tr("Step {n} of {total}: {title}").format(n=view.step + 1, total=total,
                                                                              title=view.title))
        self.setAccessibleDescription(f"{state[view.state]}. {view.caption}")
        self.setToolTip(view.caption)
        self.update()

    def line_height(self) -> int:
        """One line of text, with room for Chinese glyphs (their fallback font is taller than the Latin one)."""
        return round(self.fontMetrics().height() * 1.3)

    def sizeHint(self) -> QSize:
        lines = self.line_height() * 2
        return QSize(CIRCLE + MEDIUM + 110, max(lines, CIRCLE) + 2 * MEDIUM)

    def minimumSizeHint(self) -> QSize:
        return QSize(CIRCLE + 2 * MEDIUM, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        box = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        if self.current or self.underMouse():
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(45 if self.current else 20)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(box, 6, 6)
        if self.current:
            painter.fillRect(QRectF(box.left() + MEDIUM, box.bottom() - 3, box.width() - 2 * MEDIUM, 3),
                             QColor(colour("accent")))
        if self.hasFocus() and self.window().testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange):
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box, 6, 6)
        circle = QRectF(box.left() + MEDIUM, box.center().y() - CIRCLE / 2, CIRCLE, CIRCLE)
        self._paint_circle(painter, circle)
        self._paint_text(painter, QRectF(circle.right() + MEDIUM, box.top(), box.right() - circle.right() - LARGE,
                                         box.height()))

    def _paint_circle(self, painter: QPainter, circle: QRectF) -> None:
        palette = self.palette()
        state = self.view.state
        if state is State.DONE:
            ink, fill, border = QColor(colour("on_accent")), QColor(colour("ok")), QColor(colour("ok"))
        elif self.next or state is State.ACTIVE:
            ink, fill, border = QColor(colour("on_accent")), QColor(colour("accent")), QColor(colour("accent"))
        else:
            ink, fill, border = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), \
                palette.color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(border, 1.5))
        painter.setBrush(fill)
        painter.drawEllipse(circle)
        painter.setPen(QPen(ink, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        if state is State.DONE:  # a check mark
            c, r = circle.center(), CIRCLE / 2
            painter.drawPolyline([QPointF(c.x() - r * 0.42, c.y()), QPointF(c.x() - r * 0.1, c.y() + r * 0.32),
                                  QPointF(c.x() + r * 0.45, c.y() - r * 0.35)])
            return
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        text = "…" if state is State.ACTIVE else str(self.view.step + 1)
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_text(self, painter: QPainter, area: QRectF) -> None:
        palette = self.palette()
        title_font = QFont(self.font())
        title_font.setBold(True)
        metrics, height = self.fontMetrics(), self.line_height()
        top = area.center().y() - height
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setFont(title_font)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        title = painter.fontMetrics().elidedText(self.view.title, Qt.TextElideMode.ElideRight, int(area.width()))
        painter.drawText(QRectF(area.left(), top, area.width(), height), align, title)
        painter.setFont(self.font())
        painter.setPen(QColor(colour("muted")))
        caption = metrics.elidedText(self.view.caption, Qt.TextElideMode.ElideRight, int(area.width()))
        painter.drawText(QRectF(area.left(), top + height, area.width(), height), align, caption)


class StepBar(Retranslating, QWidget):
    step_clicked = Signal(int)  # a Step

    def __init__(self, journey: Journey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("step_bar")
        self.journey = journey
        self.current: Step | None = None
        self.buttons = [StepButton(step) for step in Step]
        layout = space(QHBoxLayout(self), 0, SMALL)
        layout.setContentsMargins(MEDIUM, SMALL, MEDIUM, SMALL)
        for button in self.buttons:
            button.clicked.connect(lambda _=False, s=button.step: self.step_clicked.emit(int(s)))
            layout.addWidget(button, 1)
        journey.changed.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Your way through the app"))
        self.refresh()

    def set_current(self, step: Step | None) -> None:
        """The step whose tab is in front (None: a tab outside the way, such as Home or Files)."""
        self.current = step
        self.refresh()

    def refresh(self) -> None:
        views, upcoming = self.journey.steps(), self.journey.next_step()
        for button, view in zip(self.buttons, views, strict=True):
            button.show_view(view, len(views), view.step == self.current, view.step == upcoming)

    def states(self) -> list[State]:
        """Each step's state, in order (what tests and screen readers check)."""
        return [button.view.state for button in self.buttons]
