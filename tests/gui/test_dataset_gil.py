"""The window's share of the interpreter lock during background work is given back afterwards."""

import sys

from gui.dataset.gil import SHARED_INTERVAL, window_first


def test_window_first_nests_and_restores_the_switch_interval():
    before = sys.getswitchinterval()
    with window_first():
        with window_first():
            assert sys.getswitchinterval() == SHARED_INTERVAL
        assert sys.getswitchinterval() == SHARED_INTERVAL  # the outer one still runs
    assert sys.getswitchinterval() == before
