"""The loaded models that answer chats: at most a couple at once (a base model and its fine-tuned version side by
side), the least recently used one let go. Loading takes seconds to minutes: call ``get`` in a thread. (Each Answerer
itself lets one chat at a time generate.)"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.local.engine.answer import Answerer

KEPT = 2


class Answerers:
    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self._loaded: OrderedDict[tuple[str, str | None], Answerer] = OrderedDict()
        self._lock = threading.Lock()  # one load at a time: two would need twice the memory at once

    def get(self, model_dir: str, adapter_dir: str | None) -> Answerer:
        """The answerer of a base model (with an adapter, when given), loaded on first use."""
        key = (model_dir, adapter_dir)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
            while len(self._loaded) >= self.kept:
                self._loaded.popitem(last=False)
            from core.local.engine.answer import Answerer  # loads torch: only this process, only on first chat

            self._loaded[key] = Answerer(model_dir, adapter_dir)
            return self._loaded[key]

    def forget(self, adapter_dir: str) -> None:
        """Let go of the answerers that use ``adapter_dir`` (its model is being deleted)."""
        with self._lock:
            for key in [key for key in self._loaded if key[1] and key[1].startswith(adapter_dir)]:
                del self._loaded[key]
