"""The loss chart people can read: an empty state that says what will appear, training and validation lines with a
legend, the step and loss under the cursor, zoom and its reset, and the epoch boundaries."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from core.providers.records import Hyperparameters, Job, JobEvent, MetricPoint
from gui.training.job_detail import JobDetail
from gui.training.loss_chart import LossChart, epoch_steps

POINTS = [MetricPoint(step, round(0.3 + 2 * math.exp(-step / 30), 4),
                      round(0.4 + 2 * math.exp(-step / 30), 4) if step % 10 == 0 else None) for step in range(1, 121)]


@pytest.fixture
def chart(qtbot):
    chart = LossChart()
    qtbot.addWidget(chart)
    chart.resize(700, 360)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def drawn(chart: LossChart, qtbot) -> None:
    """Wait until the plot has fitted its view to all the points."""
    qtbot.waitUntil(lambda: chart.plot.view.viewRange()[0][0] <= POINTS[0].step
                    and chart.plot.view.viewRange()[0][1] >= POINTS[-1].step)


def on_screen(chart: LossChart, step: float, loss: float) -> QPoint:
    """Where the point (step, loss) is drawn, in the plot view's viewport."""
    plot = chart.plot
    return plot.widget.mapFromScene(plot.view.mapViewToScene(QPointF(step, loss)))


def hover(chart: LossChart, step: float, loss: float) -> None:
    QTest.mouseMove(chart.plot.widget.viewport(), on_screen(chart, step, loss))


def test_the_chart_says_what_will_appear_until_there_are_points(chart):
    assert chart.stack.currentWidget() is chart.empty and chart.plot is None  # pyqtgraph not even loaded yet
    assert chart.empty.text() == "The training loss will appear here once the job starts training."
    chart.set_points([MetricPoint(1, float("inf")), MetricPoint(2, 1.5)])  # an odd value is left out, not drawn
    assert chart.stack.currentWidget() is chart.plot
    assert list(chart.plot.train.getData()[1]) == [1.5]


def test_hovering_a_point_shows_its_step_and_losses(chart, qtbot):
    chart.set_points(POINTS, epochs=3, total_steps=120)
    drawn(chart, qtbot)
    plot = chart.plot
    legend = [label.text for _, label in plot.legend.items]
    assert legend == ["training loss", "validation loss"]
    assert plot.item.getAxis("bottom").labelText == "Step" and plot.item.getAxis("left").labelText == "Loss"
    point = POINTS[39]
    hover(chart, point.step, point.train_loss)
    qtbot.waitUntil(plot.label.isVisible)
    assert plot.label.toPlainText() == "Step 40\ntraining loss 0.827\nvalidation loss 0.927"
    hover(chart, 41.2, POINTS[40].train_loss)
    qtbot.waitUntil(lambda: plot.label.toPlainText() == "Step 41\ntraining loss 0.810")


def test_zooming_in_and_reset_zoom(chart, qtbot):
    chart.set_points(POINTS)
    drawn(chart, qtbot)
    plot = chart.plot
    full = plot.view.viewRange()
    start, end = on_screen(chart, 20, 1.5), on_screen(chart, 60, 0.5)
    viewport = plot.widget.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 11):  # drag a rectangle, as the hint says
        QTest.mouseMove(viewport, start + (end - start) * step / 10)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    qtbot.waitUntil(lambda: plot.view.viewRange()[0][1] < 70)
    assert plot.view.viewRange()[0][0] > 10
    qtbot.mouseClick(plot.reset_button, Qt.MouseButton.LeftButton)
    drawn(chart, qtbot)  # every point in view again
    assert plot.view.viewRange()[0] == pytest.approx(full[0], abs=1)


def test_epoch_boundaries_are_drawn_where_known():
    assert epoch_steps(3, 120) == (40, 80)
    assert epoch_steps(None, 120) == epoch_steps(3, None) == epoch_steps(1, 50) == epoch_steps(10**9, 10**12) == ()


def test_the_job_detail_passes_the_epochs_and_total_steps(qtbot):
    detail = JobDetail()
    qtbot.addWidget(detail)
    detail.resize(800, 600)
    detail.show()
    job = Job("ftjob-1", "gpt-4o-mini", "running", 1, hyperparameters=Hyperparameters(n_epochs=3))
    detail.show_job(job)
    detail.add_events([JobEvent("e1", 1, "info", "Step 10/90", "metrics", {"step": 10, "total_steps": 90})])
    detail.show_points(POINTS[:10])
    assert detail.chart.epochs == (30, 60)
    lines = detail.chart.plot.epoch_lines
    assert [line.value() for line in lines] == [30, 60] and lines[0].label.toPlainText() == "epoch 2"
    detail.show_job(None)
    assert detail.chart.stack.currentWidget() is detail.chart.empty
