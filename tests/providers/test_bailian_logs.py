"""Bailian's log lines as job events: lines without a time of their own, and the closing marker."""

from __future__ import annotations

from core.providers.bailian_payloads import events_from_logs
from core.providers.payloads import timestamp


def test_lines_without_a_time_take_the_time_of_the_line_before():
    events = events_from_logs("ft-1", ["starting without a time", "2025-01-02 03:04:05,000 - INFO - {'loss': 1.2}",
                                       "{'train_runtime': 12.0, 'train_loss': 1.1}", "training usage 99"])
    stamped = timestamp("2025-01-02 03:04:05")
    assert [e.created_at for e in events] == [0, stamped, stamped, stamped]


def test_the_completion_marker_reads_as_words():
    [event] = events_from_logs("ft-1", ["##FT_COMPLETE##"])
    assert event.message == "Training finished." and event.level == "info"
