"""After retraining elsewhere, the Try it tab's validation set asks the old model on its own profile and the
new one on the active profile, side by side on the same questions."""

import io
from dataclasses import replace

import openai
from PySide6.QtCore import Qt

from core.providers.registry import GENERIC
from core.settings import SANDBOX_ID, new_profile
from sandbox.server import SandboxServer
from tests.gui.conftest import until
from tests.gui.test_training_tab import sandbox_window  # noqa: F401  (fixture)
from tests.sandbox.conftest import chat_rows, jsonl, wait_for_job


def _trained_model(server: SandboxServer) -> str:
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
    uploaded = client.files.create(file=("old.jsonl", io.BytesIO(jsonl(chat_rows(12, "zh")))), purpose="fine-tune")
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=uploaded.id)
    return wait_for_job(client, job.id).fine_tuned_model


async def test_the_compared_model_answers_through_its_own_profile(sandbox_window, tmp_path, qtbot):  # noqa: F811
    window = sandbox_window
    tab = window.try_it_tab
    with SandboxServer(job_seconds=0.3) as old:
        old_model = _trained_model(old)
        service = tab.service
        service.save_profile(replace(new_profile(GENERIC.kind, "Old OpenAI"), base_url=old.base_url), "sk-test")
        service.activate(SANDBOX_ID)
        questions = tmp_path / "questions.jsonl"
        questions.write_bytes(jsonl(chat_rows(12, "zh")[:3]))
        window.tabs.setCurrentWidget(tab)
        await until(lambda: tab.model_combo.count() > 0)
        tab.pages.setCurrentWidget(tab.evaluation)
        panel = tab.evaluation
        tab.model_combo.setCurrentText("gpt-4o-mini-2024-07-18")
        tab.compare.setChecked(True)
        tab.other_combo.setCurrentText(old_model)
        panel.compared_on.setCurrentIndex(panel.compared_on.findText("compared model on “Old OpenAI”"))
        panel.file_edit.setText(str(questions))
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        await until(lambda: len([o for o in panel.table.outcomes if o is not None]) == 3, timeout=30)
    assert panel.table.models == ["gpt-4o-mini-2024-07-18", old_model]
    assert f"{old_model}: 100% similar on average" in panel.summary.text()
    assert all(o.errors == ("", "") for o in panel.table.outcomes)
