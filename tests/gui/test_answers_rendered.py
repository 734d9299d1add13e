"""Try it shows answers as chat bubbles rendered from Markdown, safely: code blocks, lists and tables render;
raw HTML stays text; a remote image is never fetched; code and answers copy as the model wrote them; the compare
view starts every question on the same line in both columns."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontInfo, QImage, QTextCursor, QTextDocument, QTextTable
from PySide6.QtWidgets import QApplication

from core.profiles import ProfileService
from core.settings import ProfileKind, SettingsStore, new_profile
from gui.try_it.bubbles import SafeText
from gui.try_it.turn import TurnBlock
from gui.try_it_tab import ASKING
from tests.gui.conftest import settled, until
from tests.servers import QuietHandler, serve

SHORT_MODEL, LONG_MODEL = "plain-model", "markdown-model"
CODE = "def total(numbers):\n    return sum(numbers)"
ANSWER = f"""Here is how to **sum** a list:

```python
{CODE}
```

- first, with `inline code`
- second

| Model | Loss |
|---|--:|
| base | 1.20 |
| tuned | 0.45 |

![a cat]({{origin}}/cat.png) <img src="{{origin}}/raw.png"> <script>alert(1)</script> <b>not bold</b>
"""


class ChatServer(QuietHandler):
    """An OpenAI-compatible server: LONG_MODEL streams ANSWER in small pieces, any other model a short line; any
    request outside /v1 (an image someone tried to load) is counted."""

    fetched: list[str] = []

    def do_GET(self) -> None:
        if not self.path.startswith("/v1/"):
            ChatServer.fetched.append(self.path)
            self.reply(404, b"")
        elif self.path.startswith("/v1/models"):
            data = [{"id": m, "object": "model", "created": 1, "owned_by": "me"} for m in (LONG_MODEL, SHORT_MODEL)]
            self.reply(200, json.dumps({"object": "list", "data": data}).encode())
        else:
            self.reply(200, json.dumps({"object": "list", "data": [], "has_more": False}).encode())

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        origin = f"http://127.0.0.1:{self.server.server_port}"
        text = ANSWER.replace("{origin}", origin) if request["model"] == LONG_MODEL else "Use sum()."
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for start in range(0, len(text), 24):
            self._chunk({"content": text[start:start + 24]}, None)
            time.sleep(0.02)  # the server's pace: the answer arrives in many pieces, as from a real model
        self._chunk({}, "stop")
        self.wfile.write(b"data: [DONE]\n\n")

    def _chunk(self, delta: dict[str, str], finish: str | None) -> None:
        chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()


@pytest.fixture
async def chat_window(qtbot, memory_keyring):
    from gui.app import create_window

    ChatServer.fetched = []
    service = ProfileService(SettingsStore())
    with serve(ChatServer) as origin:
        service.save_profile(replace(new_profile(ProfileKind.COMPATIBLE, "Local"), base_url=origin + "/v1"),
                             "sk-test-0123456789abcdef")
        window = create_window(service)
        window.resize(1100, 800)
        window.show()
        await settled(window)  # Home has loaded in this loop
        try_it = window.try_it_tab
        window.tabs.setCurrentWidget(try_it)
        await until(lambda: try_it.model_combo.findText(LONG_MODEL) >= 0)
        try_it.set_model(LONG_MODEL)
        yield window
        window.close()


async def ask(window, qtbot, question: str) -> None:
    try_it = window.try_it_tab
    qtbot.keyClicks(try_it.question, question)
    qtbot.mouseClick(try_it.send_button, Qt.MouseButton.LeftButton)
    await until(lambda: not try_it.tasks.busy(ASKING) and try_it.send_button.isEnabled(), timeout=20)


def code_blocks(document: QTextDocument) -> list[str]:
    """The text of every block shown all in a monospace font."""
    return [block.text() for block in _blocks(document) if block.text()
            and all(QFontInfo(f.charFormat().font()).fixedPitch() for f in _fragments(block))]


def tables(document: QTextDocument) -> list[QTextTable]:
    return [frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable)]


def click_link(view, text: str) -> None:
    """Click the link reading ``text`` in ``view``, as the user would."""
    cursor = view.document().find(text)
    assert not cursor.isNull()
    cursor.setPosition(cursor.selectionStart() + 1, QTextCursor.MoveMode.MoveAnchor)
    rect = view.cursorRect(cursor)
    from PySide6.QtTest import QTest

    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


async def test_a_markdown_answer_is_rendered_safely_and_copies_as_written(chat_window, qtbot):
    window = chat_window
    try_it = window.try_it_tab
    await ask(window, qtbot, "How do I sum a list?")
    pane = try_it.panes[0]
    answer = pane.blocks[-1].answer.text
    document = answer.document()
    assert code_blocks(document) == CODE.splitlines()  # a monospace block, line by line
    table = next(t for t in tables(document) if t.columns() == 2 and t.rows() == 3)  # the header and two rows
    assert table.cellAt(2, 0).firstCursorPosition().block().text() == "tuned"
    assert document.begin().text() == "Here is how to sum a list:"
    lists = {block.textList() for block in _blocks(document) if block.textList() is not None}
    assert len(lists) == 1 and lists.pop().count() == 2
    shown = answer.toPlainText()
    assert "<script>alert(1)</script>" in shown and "<b>not bold</b>" in shown  # HTML from the model is text
    assert "[image: a cat]" in shown and "<img src=" in shown
    assert not any(f.charFormat().isImageFormat() for b in _blocks(document) for f in _fragments(b))
    assert ChatServer.fetched == []  # nothing was loaded from the server the images point at

    click_link(answer, "Copy code")
    assert QApplication.clipboard().text() == CODE
    qtbot.mouseClick(pane.blocks[-1].copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == pane.turns[-1][1] and pane.turns[-1][1].startswith("Here is how")


async def test_the_compare_view_starts_each_question_on_the_same_line(chat_window, qtbot):
    window = chat_window
    try_it = window.try_it_tab
    qtbot.mouseClick(try_it.compare, Qt.MouseButton.LeftButton)
    try_it.other_combo.setCurrentText(SHORT_MODEL)
    await ask(window, qtbot, "How do I sum a list?")
    await ask(window, qtbot, "And the product?")
    mine, other = try_it.panes
    assert len(mine.blocks) == len(other.blocks) == 2
    assert mine.blocks[0].height() > other.blocks[0].height() + 100  # the long answer on the left

    def top(block: TurnBlock) -> int:
        return block.mapTo(try_it.transcript.widget(), QPoint(0, 0)).y()

    await until(lambda: top(mine.blocks[1]) == top(other.blocks[1]) > mine.blocks[0].height())


async def test_streaming_keeps_the_newest_words_in_view_unless_the_user_scrolled_up(chat_window, qtbot):
    window = chat_window
    try_it = window.try_it_tab
    bar, pane = try_it.transcript.verticalScrollBar(), try_it.panes[0]
    for question in ("One?", "Two?"):
        await ask(window, qtbot, question)
    await until(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())  # it followed the answers down
    qtbot.keyClicks(try_it.question, "Three?")
    qtbot.mouseClick(try_it.send_button, Qt.MouseButton.LeftButton)
    await until(lambda: len(pane.blocks) == 3 and pane.streaming)
    bar.setValue(0)  # the user scrolls up to read while the answer streams
    height = bar.maximum()
    await until(lambda: not try_it.tasks.busy(ASKING), timeout=20)
    assert bar.value() == 0 and bar.maximum() > height


def _blocks(document: QTextDocument):
    block = document.begin()
    while block.isValid():
        yield block
        block = block.next()


def _fragments(block):
    return [it.fragment() for it in block]


def test_the_copy_link_is_ours_alone(qtbot, tmp_path: Path):
    """A model's own link to copy-code:, file: or a local path is no link at all; only http(s) stay links."""
    block = TurnBlock("q")
    qtbot.addWidget(block)
    local = tmp_path / "secret.txt"
    block.set_answer(f"[a](copy-code:0) [b](file://{local}) [c]({local}) [d](https://example.com)\n\n```\nx\n```",
                     final=True)
    links = [(f.text(), f.charFormat().anchorHref()) for b in _blocks(block.answer.text.document())
             for f in _fragments(b) if f.charFormat().isAnchor()]
    assert links == [("d", "https://example.com"), ("Copy code", "copy-code:0")]
    assert block.codes == ("x",) and block.answer.text.toPlainText().startswith(f"a [b](file://{local}) c d")


def test_the_answer_view_loads_no_image_even_when_handed_one(qtbot, tmp_path: Path):
    """Defence in depth: were an <img> of a local file ever in the HTML, the view would show a blank pixel."""
    image = tmp_path / "local.png"
    picture = QImage(20, 20, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.red)
    picture.save(str(image))
    view = SafeText()
    qtbot.addWidget(view)
    view.setHtml(f"<p>x<img src='{image.as_uri()}'></p>")
    view.show()
    qtbot.waitExposed(view)
    assert view.document().resource(QTextDocument.ResourceType.ImageResource.value, image.as_uri()).size().width() == 1


async def test_the_answers_timing_follows_a_language_switch(chat_window, qtbot):
    window = chat_window
    await ask(window, qtbot, "How do I sum a list?")
    pane = window.try_it_tab.panes[0]
    assert "first words after" in pane.status.text()
    window.languages.apply("zh_CN")
    await until(lambda: "秒后开始输出" in pane.status.text())
    window.languages.apply("en")
    await until(lambda: "first words after" in pane.status.text())
