"""The tabs driven as a user would with profiles of other providers, each against the Sandbox speaking
that provider's dialect: what a provider cannot do is hidden or disabled, and deployments are explained."""

from __future__ import annotations

import httpx2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import core.training.jobs as jobs_module
from core.profiles import ProfileService
from core.providers.records import JobRequest
from core.settings import ProfileKind, SettingsStore
from core.training.jobs import watch
from sandbox.server import SandboxServer
from tests.gui.conftest import settled, until
from tests.gui.test_dataset_tab import answer, dialog
from tests.gui.test_settings_tab import select
from tests.gui.test_try_it_and_models import ask_question
from tests.providers.conftest import BASE_MODELS, profile_for
from tests.sandbox.conftest import chat_rows, jsonl
from tests.waiting import eventually

QUESTION, TRAINED = "第3号产品多少钱？", "第3号产品售价30元。"


@pytest.fixture
async def provider_window(request, qtbot, memory_keyring, tmp_path, monkeypatch):
    """A window whose active profile is a provider of ``request.param``, served by a Sandbox dialect."""
    from gui.app import create_window

    monkeypatch.setattr(jobs_module, "WATCH_SECONDS", 0.2)
    with SandboxServer(job_seconds=request.param[1], dialect=request.param[0]) as server:
        service = ProfileService(SettingsStore())
        profile = service.save_profile(profile_for(server.dialect, server.base_url), "sk-test")
        window = create_window(service)
        window.show()
        await settled(window)  # Home has loaded in this loop
        assert service.settings.active_profile.id == profile.id
        yield window, server, tmp_path
        window.dataset_tab.undo.setClean()
        window.close()


async def trained_model(window, server, tmp_path) -> str:
    provider = await window.models_tab.connection.get()
    data = tmp_path / "prices.jsonl"
    data.write_bytes(jsonl(chat_rows(12, "zh")))
    job = await provider.create_job(JobRequest(BASE_MODELS[server.dialect], (await provider.upload(data)).id))
    async for update in watch(provider, job.id, interval=0.1):
        final = update.job
    return final.fine_tuned_model


@pytest.mark.parametrize("provider_window", [("zhipu", 3.0)], indirect=True)
async def test_training_tab_with_a_zhipu_profile(provider_window, qtbot):
    window, _, tmp_path = provider_window
    data = tmp_path / "prices.jsonl"
    data.write_bytes(jsonl(chat_rows(12, "zh")))
    window.tabs.setCurrentWidget(window.training_tab)
    tab = window.training_tab
    await until(lambda: tab.form.model_combo.findText("glm-4-flash") >= 0)
    assert not tab.form.method_combo.model().item(1).isEnabled()  # no DPO through this provider's API
    assert "does not offer DPO" in tab.form.method_combo.itemData(1, Qt.ItemDataRole.ToolTipRole)
    assert not tab.form.seed.isEnabled() and "does not take a seed" in tab.form.seed.toolTip()
    tab.use_file(data)
    tab.form.model_combo.setCurrentText("glm-4-flash")
    qtbot.keyClicks(tab.form.suffix_edit, "prices")
    assert tab.form.preview.text().startswith("glm-4-flash-<id>-prices")
    qtbot.mouseClick(tab.form.start_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: tab.detail.job is not None and tab.detail.job.status == "running", timeout=20)
    assert not tab.detail.controls["pause"].isVisible() and tab.detail.controls["cancel"].isVisible()
    assert not tab.detail.tabs.isTabVisible(1) and tab.detail.tabs.isTabVisible(0)  # events, no checkpoints
    await until(lambda: tab.detail.job.status == "succeeded", timeout=20)
    await until(lambda: len(tab.detail.chart.points) > 5)
    assert tab.detail.events.count() > 3 and "glm-4-flash-" in tab.detail.model_label.text()
    qtbot.mouseClick(tab.detail.try_button, Qt.MouseButton.LeftButton)
    await ask_question(window, qtbot, QUESTION)
    assert window.try_it_tab.panes[0].turns == [(QUESTION, TRAINED)]  # LoRA models answer at once


@pytest.mark.parametrize("provider_window", [("bailian", 1.0), ("fireworks", 1.0)], indirect=True)
async def test_deploy_with_confirmation_chat_and_remove_the_deployment(provider_window, qtbot):
    window, server, tmp_path = provider_window
    model = await trained_model(window, server, tmp_path)
    try_it = window.try_it_tab
    window.tabs.setCurrentWidget(try_it)
    await until(lambda: try_it.known.get(model) is not None)
    try_it.set_model(model)
    await ask_question(window, qtbot, QUESTION)
    assert "answers only once it is deployed" in try_it.messages.text() and not try_it.panes[0].turns
    assert try_it.question.toPlainText() == QUESTION  # not asked, so kept for the next try
    qtbot.mouseClick(try_it.messages.action, Qt.MouseButton.LeftButton)  # "Deploy…"
    await until(lambda: dialog() is not None)
    assert "bills a deployment while it exists" in dialog().text()
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: "Deploying" in try_it.messages.text())

    models = window.models_tab
    window.tabs.setCurrentWidget(models)
    await until(lambda: models.table.rowCount() == 1)
    if server.dialect == "bailian":  # Fireworks deletes models through its API; Bailian does not
        assert not models.delete_button.isEnabled() and "does not offer deleting" in models.delete_button.toolTip()

    async def refreshed_ready():  # the user clicks Refresh until the deployment is ready
        qtbot.mouseClick(models.refresh_button, Qt.MouseButton.LeftButton)
        await until(lambda: not models.tasks.running)
        return models.table.index(0, 5).data().startswith("ready")

    await eventually(refreshed_ready)
    assert models.table.index(0, 5).data().startswith("ready · ")
    window.tabs.setCurrentWidget(try_it)
    await ask_question(window, qtbot, QUESTION)
    assert try_it.panes[0].turns == [(QUESTION, TRAINED)]

    window.tabs.setCurrentWidget(models)
    models.view.selectRow(0)
    qtbot.mouseClick(models.undeploy_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: models.table.index(0, 5).data() == "not deployed")
    assert "no longer billed" in models.messages.text()


@pytest.mark.parametrize("provider_window", [("azure", 1.0)], indirect=True)
async def test_azure_explains_portal_deployments_and_chats_with_the_named_one(provider_window, qtbot):
    window, server, tmp_path = provider_window
    model = await trained_model(window, server, tmp_path)
    httpx2.put(server.origin + "/_sandbox/deployments/shop-bot", json={"model": model})  # done in the portal
    try_it = window.try_it_tab
    window.tabs.setCurrentWidget(try_it)
    await until(lambda: try_it.known.get(model) is not None)
    try_it.set_model(model)
    await ask_question(window, qtbot, QUESTION)
    assert "deployed in the provider" in try_it.messages.text() and "ai.azure.com" in try_it.messages.text()
    qtbot.mouseClick(try_it.messages.action, Qt.MouseButton.LeftButton)  # "Enter deployment name…"
    await until(lambda: dialog("text_dialog") is not None)
    dialog("text_dialog").setTextValue("shop-bot")
    dialog("text_dialog").accept()
    await until(lambda: try_it.model_combo.currentText() == "shop-bot")
    assert try_it.other_combo.currentText() == "gpt-4o-mini-2024-07-18"
    await ask_question(window, qtbot, QUESTION)
    assert try_it.panes[0].turns == [(QUESTION, TRAINED)]


async def test_profiles_for_each_provider_show_their_own_fields(qtbot, window, service):
    tab = window.settings_tab
    action = next(a for a in tab.add_menu.actions() if a.data() == ProfileKind.BAILIAN)
    action.trigger()
    form = tab.form
    visible = {name: form._layout.isRowVisible(getattr(form, name))
               for name in ("azure_resource", "region", "training_type", "organization")}
    assert visible == {"azure_resource": False, "region": True, "training_type": True, "organization": False}
    assert form.base_url.text() == "https://dashscope.aliyuncs.com/api/v1"
    form.region.setCurrentIndex(1)
    assert form.base_url.text() == "https://dashscope-intl.aliyuncs.com/api/v1"
    form.training_type.setCurrentIndex(1)
    qtbot.keyClicks(form.api_key, "sk-bailian")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    saved = next(p for p in service.settings.profiles if p.kind is ProfileKind.BAILIAN)
    assert (saved.region, saved.training_type, saved.base_url) == (
        "ap-southeast-1", "sft", "https://dashscope-intl.aliyuncs.com/api/v1")

    with SandboxServer(dialect="zhipu") as server:
        next(a for a in tab.add_menu.actions() if a.data() == ProfileKind.ZHIPU).trigger()
        assert not form._layout.isRowVisible(form.training_type)
        form.base_url.setText(server.base_url)
        qtbot.keyClicks(form.api_key, "sk-zhipu")
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
        select(tab, "Zhipu")
        qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
        await until(lambda: not tab.is_testing())
    assert "API and key: The key works: 0 jobs seen." in tab.results.text()


@pytest.mark.parametrize("provider_window", [("bailian", 1.0)], indirect=True)
async def test_copy_as_code_uses_the_chat_address_and_the_deployment_name(provider_window, qtbot):
    from PySide6.QtWidgets import QApplication

    window, server, tmp_path = provider_window
    model = await trained_model(window, server, tmp_path)
    provider = await window.models_tab.connection.get()
    deployment = await provider.deploy(model)
    try_it = window.try_it_tab
    window.tabs.setCurrentWidget(try_it)
    await until(lambda: try_it.known.get(model) is not None)
    try_it.set_model(model)
    await until(lambda: not try_it.tasks.running)

    async def deployment_ready():
        return (found := await provider.deployment(model)) is not None and found.ready

    await eventually(deployment_ready)  # once it runs, the code names the deployment
    try_it.curl_action.trigger()
    await until(lambda: "compatible-mode/v1/chat/completions" in QApplication.clipboard().text())
    assert f'"model": "{deployment.name}"' in QApplication.clipboard().text()


@pytest.mark.parametrize("provider_window", [("together", 1.0)], indirect=True)
async def test_a_together_lora_answers_at_once_and_is_deleted(provider_window, qtbot):
    window, server, tmp_path = provider_window
    model = await trained_model(window, server, tmp_path)
    try_it = window.try_it_tab
    window.tabs.setCurrentWidget(try_it)
    await until(lambda: try_it.known.get(model) is not None)
    try_it.set_model(model)
    await ask_question(window, qtbot, QUESTION)
    assert try_it.panes[0].turns == [(QUESTION, TRAINED)]  # serverless LoRA: no deployment step

    models = window.models_tab
    window.tabs.setCurrentWidget(models)
    await until(lambda: models.table.rowCount() == 1)
    models.view.selectRow(0)
    qtbot.mouseClick(models.export_button, Qt.MouseButton.LeftButton)  # the weights kept before it is deleted
    await until(lambda: dialog("export_model_dialog") is not None)
    export = dialog("export_model_dialog")
    assert [export.kind.itemText(i) for i in range(export.kind.count())] == ["LoRA adapter", "Merged model"]
    export.folder.setText(str(tmp_path / "kept"))
    export.export_button.click()
    await until(lambda: "Written into" in export.written.text())
    [kept] = (tmp_path / "kept").iterdir()
    assert kept.name.endswith("-adapter.tar.zst") and kept.name.startswith("sandbox-Meta-Llama-3-1-8B-")
    export.reject()
    qtbot.mouseClick(models.delete_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog("text_dialog") is not None)
    dialog("text_dialog").setTextValue(model)  # typed to confirm
    dialog("text_dialog").accept()
    await until(lambda: models.table.rowCount() == 0)
    assert "Deleted 1 model" in models.messages.text()


@pytest.mark.parametrize("provider_window", [("together", 1.0), ("fireworks", 1.0)], indirect=True)
async def test_the_training_tab_trains_at_together_and_fireworks(provider_window, qtbot):
    window, server, tmp_path = provider_window
    data = tmp_path / "prices.jsonl"
    data.write_bytes(jsonl(chat_rows(12, "zh")))
    window.tabs.setCurrentWidget(window.training_tab)
    tab = window.training_tab
    base = BASE_MODELS[server.dialect]
    await until(lambda: tab.form.model_combo.findText(base) >= 0)
    tab.use_file(data)
    tab.form.model_combo.setCurrentText(base)
    qtbot.keyClicks(tab.form.suffix_edit, "prices")
    qtbot.mouseClick(tab.form.start_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: tab.detail.job is not None and tab.detail.job.status == "succeeded", timeout=30)
    assert tab.detail.job.model == base and "prices" in tab.detail.model_label.text()
    if server.dialect == "together":  # Fireworks' API gives no loss curve
        await until(lambda: len(tab.detail.chart.points) > 3)
        qtbot.mouseClick(tab.detail.try_button, Qt.MouseButton.LeftButton)
        await ask_question(window, qtbot, QUESTION)
        assert window.try_it_tab.panes[0].turns == [(QUESTION, TRAINED)]  # a LoRA answers at once, serverless
