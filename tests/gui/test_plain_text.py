"""Text from a hostile server or file is shown as the text it is: a job id holding <h1>, a link or an
<img> of a local file is never rendered, in labels, tooltips, message boxes, tree items or chat answers."""

import json
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as TextQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

import core.training.jobs as jobs_module
from core.profiles import ProfileService
from core.settings import ProfileKind, SettingsStore, new_profile
from tests.gui.conftest import settled, until
from tests.gui.test_dataset_tab import answer, dialog, open_file
from tests.servers import api_server, error_body, serve

TIP = Qt.ItemDataRole.ToolTipRole


def seen(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What a user reads: rich text as Qt renders it, plain text as it is (AutoText guesses, like tooltips)."""
    plain = text_format == Qt.TextFormat.PlainText or (
        text_format == Qt.TextFormat.AutoText and not TextQt.mightBeRichText(text))
    if plain:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def shown(label: QLabel) -> str:
    return seen(label.text(), label.textFormat())


@pytest.fixture
def html(tmp_path):
    image = tmp_path / "local.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    return f"<h1>Big</h1><a href=//evil.example/x>link</a><img src={image.as_posix()}>"


def hostile_handler(html: str) -> type[BaseHTTPRequestHandler]:
    """An OpenAI-compatible server whose ids, names, messages and answers are all HTML."""
    now = int(time.time())
    tuned = f"ft:gpt-4o-mini:{html}:1"
    jobs = [{"id": f"ftjob-1{html}", "model": f"gpt-4o-mini{html}", "status": "succeeded", "created_at": now,
             "fine_tuned_model": tuned, "trained_tokens": 1000},
            {"id": f"ftjob-2{html}", "model": "gpt-4o-mini", "status": "failed", "created_at": now - 1,
             "error": {"message": html, "code": "invalid_file"}},
            {"id": f"ftjob-3{html}", "model": "gpt-4o-mini", "status": "running", "created_at": now - 2}]
    models = [{"id": tuned, "object": "model", "created": now, "owned_by": html},
              {"id": "gpt-4o-mini-2024-07-18", "object": "model", "created": now, "owned_by": "system",
               "shutdown_date": html}]
    events = [{"id": "ev-1", "object": "fine_tuning.job.event", "created_at": now, "level": "info",
               "message": html}]
    checkpoints = [{"id": "ckpt-1", "object": "fine_tuning.job.checkpoint", "created_at": now, "step_number": 1,
                    "fine_tuned_model_checkpoint": f"{tuned}:ckpt-step-1", "metrics": {"train_loss": 0.5}}]

    def answer_for(path: str) -> object:
        parts = path.split("/")  # /v1/fine_tuning/jobs/<id>/<what>, the id percent-encoded by the SDK
        if parts[2:3] == ["models"]:
            return {"object": "list", "data": models}
        if len(parts) == 4:
            return {"object": "list", "data": jobs, "has_more": False}
        job = next(j for j in jobs if j["id"] == unquote(parts[4]))
        if len(parts) == 5 or parts[5] == "cancel":
            return job
        return {"object": "list", "data": events if parts[5] == "events" else checkpoints, "has_more": False}

    class Handler(BaseHTTPRequestHandler):
        def send(self, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self.send(answer_for(urlsplit(self.path).path))

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            if path.endswith("/chat/completions"):
                self.send({"id": "chat-1", "object": "chat.completion", "created": now, "model": "m",
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": html}}],
                           "usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8}})
            else:
                self.send(answer_for(path))

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
async def hostile(qtbot, memory_keyring, html, monkeypatch):
    """A window whose active profile is the hostile server."""
    from gui.app import create_window

    monkeypatch.setattr(jobs_module, "WATCH_SECONDS", 0.2)
    service = ProfileService(SettingsStore())
    with serve(hostile_handler(html)) as origin:
        profile = replace(new_profile(ProfileKind.COMPATIBLE, "Hostile"), base_url=origin + "/v1")
        service.save_profile(profile, "sk-test-0123456789abcdef")
        window = create_window(service)
        window.show()
        await settled(window)  # Home has loaded in this loop
        yield window
        window.dataset_tab.undo.setClean()
        window.close()


async def test_job_details_labels_tooltips_and_questions_show_server_html_as_text(hostile, html, qtbot):
    window = hostile
    window.tabs.setCurrentWidget(window.training_tab)
    tab = window.training_tab
    detail = tab.detail
    await until(lambda: tab.jobs_model.rowCount() == 3)
    await until(lambda: detail.job is not None and detail.checkpoints.count() == 1)  # watched to its end
    assert shown(detail.title) == f"succeeded · ftjob-1{html} · gpt-4o-mini{html}"
    assert shown(detail.model_label) == f"Your model: ft:gpt-4o-mini:{html}:1 · 1,000 tokens trained"
    assert detail.events.item(0).text().endswith(f"  {html}")
    assert detail.checkpoints.item(0).text() == f"Step 1: ft:gpt-4o-mini:{html}:1:ckpt-step-1 (loss 0.500)"
    assert seen(tab.jobs_model.index(1, 0).data(TIP)) == f"ftjob-2{html}\n{html}"

    tab.jobs_view.selectRow(1)
    await until(lambda: detail.job.id == f"ftjob-2{html}")
    assert shown(detail.model_label).startswith(f"The job failed: {html} Fix the data")

    tab.jobs_view.selectRow(2)
    await until(lambda: detail.job.id == f"ftjob-3{html}" and detail.controls["cancel"].isVisible())
    qtbot.mouseClick(detail.controls["cancel"], Qt.MouseButton.LeftButton)
    await until(lambda: dialog() is not None)
    box = dialog()
    assert seen(box.text(), box.textFormat()).startswith(f"Cancel ftjob-3{html}? Training stops")
    await answer(QMessageBox.StandardButton.No)


async def test_the_model_name_preview_is_text_even_with_a_server_date(hostile, html, qtbot):
    window = hostile
    window.tabs.setCurrentWidget(window.training_tab)
    form = window.training_tab.form
    await until(lambda: form.model_combo.findText("gpt-4o-mini-2024-07-18") >= 0)
    form.model_combo.setCurrentText("gpt-4o-mini-2024-07-18")
    qtbot.keyClicks(form.suffix_edit, "v2")
    assert form.preview.text() == ("ft:gpt-4o-mini-2024-07-18:<org>:v2:<id>\n"
                                   f"This model and models trained from it shut down on {html}.")
    assert (shown(form.preview.name), shown(form.preview.warning)) == (
        "ft:gpt-4o-mini-2024-07-18:<org>:v2:<id>", f"This model and models trained from it shut down on {html}.")
    tip = form.model_combo.itemData(form.model_combo.findText("gpt-4o-mini-2024-07-18"), TIP)
    assert seen(tip).endswith(f" · shuts down {html}")
    qtbot.keyClicks(form.suffix_edit, " <b>x</b>")
    assert not form.preview.name.isVisibleTo(form) and "cannot be used" in shown(form.preview.warning)


async def test_try_it_shows_answers_names_and_tooltips_as_text(hostile, html, qtbot, tmp_path):
    window = hostile
    try_it = window.try_it_tab
    tuned = f"ft:gpt-4o-mini:{html}:1"
    window.tabs.setCurrentWidget(try_it)
    await until(lambda: try_it.model_combo.findText(tuned) >= 0)
    assert seen(try_it.model_combo.itemData(try_it.model_combo.findText(tuned), TIP)).endswith(
        f" · job ftjob-1{html}")
    try_it.set_model(tuned)
    pane = try_it.panes[0]
    assert shown(pane.title) == tuned
    try_it.stream_box.setChecked(False)
    try_it.question.setPlainText("Hello?")
    qtbot.mouseClick(try_it.send_button, Qt.MouseButton.LeftButton)
    await until(lambda: pane.turns)
    answer = pane.blocks[-1].answer.text  # the answer's Markdown is rendered, its HTML shown as text
    assert answer.toPlainText() == html and "<img" not in answer.toHtml()
    assert "tokens" in shown(pane.status)

    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"messages": [{"role": "user", "content": html},
                                              {"role": "assistant", "content": html}]}) + "\n", encoding="utf-8")
    try_it.pages.setCurrentIndex(1)
    panel = try_it.evaluation
    panel.file_edit.setText(str(cases))
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: panel.table.outcomes and panel.table.outcomes[0] is not None)
    assert shown(panel.summary) == f"{tuned}: 100% similar on average"
    assert seen(panel.table.index(0, 2).data(TIP)) == html and seen(panel.table.index(0, 0).data(TIP)) == html


async def test_models_table_and_the_delete_question_show_server_names_as_text(hostile, html, qtbot):
    window = hostile
    window.tabs.setCurrentWidget(window.models_tab)
    models = window.models_tab
    tuned = f"ft:gpt-4o-mini:{html}:1"
    await until(lambda: models.table.rowCount() == 1)
    assert seen(models.table.index(0, 0).data(TIP)) == tuned
    models.view.selectRow(0)
    qtbot.mouseClick(models.delete_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog("text_dialog") is not None)
    asked = dialog("text_dialog")
    label = next(child for child in asked.findChildren(QLabel) if "Type" in child.text())
    assert shown(label).startswith("Deleting cannot be undone") and f"Type {tuned} to delete 1" in shown(label)
    asked.reject()


async def test_dataset_cells_problems_and_fix_previews_show_file_html_as_text(window, html, tmp_path):
    tab = window.dataset_tab
    window.tabs.setCurrentWidget(tab)
    long_html = f"{html}\n{html}"
    rows = [{"messages": [{"role": "user", "content": long_html}, {"role": "assistant", "content": f"  {html}  "}]},
            {"messages": [{"role": html, "content": "hi"}, {"role": "assistant", "content": "ok"}]}]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    await open_file(tab, path)
    user = [c.value for c in tab.model.columns].index("user")
    assert seen(tab.model.index(0, user).data(TIP)) == long_html
    status = tab.model.index(1, tab.model.columnCount() - 1).data(TIP)
    assert html in seen(status)
    group = next(item for item in (tab.problems.topLevelItem(i) for i in range(tab.problems.topLevelItemCount()))
                 if item.childCount())
    expected = f"message 1: unknown role “{html}” (use system, user, assistant or tool)."
    assert seen(group.toolTip(0)) == expected and group.child(0).text(0) == f"Row 2: {expected}"

    task = tab.run(tab.fix_menu.offer("trim", "Trim"))
    await until(lambda: dialog() is not None)
    box = dialog()
    informative = box.findChild(QLabel, "qt_msgbox_informativelabel")
    assert shown(informative).startswith(f'Row 1 before:\n{{"messages":[{{"role":"user","content":"{html}\\n')
    await answer(QMessageBox.StandardButton.Cancel)
    await task


async def test_the_status_bar_shows_the_servers_refusal_as_text(qtbot, memory_keyring, html):
    from gui.app import create_window

    service = ProfileService(SettingsStore())
    with api_server(400, error_body(html)) as origin:
        profile = replace(new_profile(ProfileKind.COMPATIBLE, f"<b>{html}</b>"), base_url=origin + "/v1")
        service.save_profile(profile, "sk-test-0123456789abcdef")
        window = create_window(service)
        window.show()
        window.check_active_profile()
        await until(lambda: window.status_label.text().endswith("— not connected"))
    assert shown(window.status_label) == f"Profile: <b>{html}</b> — not connected"
    assert html in seen(window.status_label.toolTip())
    window.close()
