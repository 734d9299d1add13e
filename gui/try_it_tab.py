"""Try it: talk to a fine-tuned model, compare it with another (its base model by default), keep good
answers as training rows, copy the request as code."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core import history, streaming
from core.chat import (
    Answer,
    ChatRequest,
    PartialAnswerError,
    ask,
    is_legacy,
    read_controls,
    show_controls,
    transcript_messages,
)
from core.dataset.model import Row
from core.errors import CoreError
from core.models import ModelInfo, parse_fine_tuned
from core.profiles import ProfileService
from core.providers.base import Provider
from core.snippets import as_curl, as_node, as_python
from core.training.service import connect
from gui.profile_tab import ProfileTab
from gui.theme import make_primary
from gui.try_it.answer_pane import AnswerPane
from gui.try_it.deployment_steps import DeploymentSteps
from gui.try_it.evaluation import EvaluationPanel
from gui.try_it.model_list import fill, models_to_try
from gui.try_it.transcript import Transcript

# The tab's named tasks: a newer request of the same name replaces the older one.
ASKING, LOADING, FINDING_MARKERS = "ask", "models", "markers"


class TryItTab(ProfileTab):
    add_to_dataset = Signal(object)  # a Row

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(service, "try it", parent)
        self.known: dict[str, ModelInfo] = {}  # the listed models by id
        self.chosen = ""  # the model the user asked to try (Try it elsewhere), kept while the list loads
        self.model_combo, self.other_combo = QComboBox(editable=True), QComboBox(editable=True)
        self.compare = QCheckBox()
        self.system_edit, self.stop_edit, self.separator_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.temperature = QDoubleSpinBox(minimum=-0.1, maximum=2.0, singleStep=0.1, value=-0.1)
        self.max_tokens = QSpinBox(maximum=32_000)
        self.stream_box = QCheckBox()
        self.transcript = Transcript()
        self.panes = (AnswerPane(self.transcript, 0), AnswerPane(self.transcript, 1))
        self.question = QPlainTextEdit()
        self.send_button, self.stop_button, self.keep_button = QPushButton(), QPushButton(), QPushButton()
        self.clear_button, self.code_button, self.code_menu = QPushButton(), QToolButton(), QMenu(self)
        self.form = QFormLayout()
        self.evaluation = EvaluationPanel(self.session, self._chosen_models, self.tasks, self._other_profiles,
                                          self._connect_profile)
        self.deployment_steps = DeploymentSteps(self.connection, self.tasks, self)
        self.pages = QTabWidget()
        self._retry_question = ""
        self._told_buffering: set[str] = set()
        self._message_action: Callable[[], object] = self._retry  # what the message bar's button does
        self._build()
        self._connect()
        self._set_busy(False)
        self.retranslate()

    def _build(self) -> None:
        models = QHBoxLayout()
        models.addWidget(self.model_combo, 1)
        models.addWidget(self.compare)
        models.addWidget(self.other_combo, 1)
        self.labels = (QLabel(), QLabel(), QLabel())
        self.form.addRow(self.labels[0], models)
        self.form.addRow(self.labels[1], self.system_edit)
        settings = QHBoxLayout()
        for widget in (self.temperature, self.max_tokens, self.separator_edit, self.stop_edit, self.stream_box):
            settings.addWidget(widget)
        self.form.addRow(self.labels[2], settings)
        self.pages.addTab(self._chat_page(), "")
        self.pages.addTab(self.evaluation, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addLayout(self.form)
        layout.addWidget(self.pages, 1)
        make_primary(self.code_button)  # the way on: use the model in one's own program
        self.code_button.setMenu(self.code_menu)
        self.code_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.python_action = self.code_menu.addAction("Python", lambda: self.run(self._copy(as_python)))
        self.curl_action = self.code_menu.addAction("curl", lambda: self.run(self._copy(as_curl)))
        self.node_action = self.code_menu.addAction("Node.js", lambda: self.run(self._copy(as_node)))
        self.stream_box.setChecked(self._streaming_preference())

    def _chat_page(self) -> QWidget:
        headers = QHBoxLayout()
        for pane in self.panes:
            headers.addWidget(pane, 1)
        self._show_compared(False)
        page = QWidget()
        chat = QVBoxLayout(page)
        chat.setContentsMargins(0, 0, 0, 0)
        chat.addLayout(headers)
        chat.addWidget(self.transcript, 1)
        buttons = QHBoxLayout()
        for button in (self.send_button, self.stop_button, self.keep_button, self.code_button, self.clear_button):
            buttons.addWidget(button)
        buttons.insertStretch(2, 1)
        self.question.setMaximumHeight(90)
        chat.addWidget(self.question)
        chat.addLayout(buttons)
        return page

    def _connect(self) -> None:
        self.compare.toggled.connect(self._show_compared)
        self.model_combo.currentTextChanged.connect(self._model_chosen)
        self.other_combo.currentTextChanged.connect(self.panes[1].set_model)
        self.send_button.clicked.connect(self.send)
        QShortcut(QKeySequence("Ctrl+Return"), self.question, self.send)
        self.stop_button.clicked.connect(self.stop)
        self.keep_button.clicked.connect(self._keep)
        self.clear_button.clicked.connect(self._clear)
        self.stream_box.toggled.connect(self._remember_streaming)
        self.messages.action_clicked.connect(lambda: self._message_action())
        self.deployment_steps.step_offered.connect(self.offer)
        self.deployment_steps.deploying.connect(self.messages.show_info)
        self.deployment_steps.deployment_chosen.connect(self._use_deployment)

    def _show_compared(self, on: bool) -> None:
        self.panes[1].setVisible(on)
        self.transcript.show_column(1, on)
        self.other_combo.setEnabled(on)

    def retranslate(self) -> None:
        for label, text in zip(self.labels, (self.tr("Model"), self.tr("System prompt"), self.tr("Settings")),
                               strict=True):
            label.setText(text)
        self.compare.setText(self.tr("compare with"))
        self.system_edit.setPlaceholderText(self.tr("optional: the system message your training data used"))
        self.temperature.setSpecialValueText(self.tr("default temperature"))
        self.max_tokens.setSpecialValueText(self.tr("default length"))
        self.stop_edit.setPlaceholderText(self.tr("stop sequences, comma separated"))
        self.separator_edit.setPlaceholderText(self.tr("prompt separator, e.g. \\n\\n###\\n\\n"))
        self.separator_edit.setToolTip(self.tr("Added after your question, as in the model's training data; found "
                                               "there automatically for your fine-tuned legacy models"))
        self.stream_box.setText(self.tr("stream"))
        self.stream_box.setToolTip(self.tr("Show the answer as it is written. Switch off if your gateway or proxy "
                                           "breaks streamed answers."))
        self.question.setPlaceholderText(self.tr("Ask something your model was trained on (Ctrl+Enter sends)"))
        self.send_button.setText(self.tr("Send"))
        self.stop_button.setText(self.tr("Stop"))
        self.keep_button.setText(self.tr("Add to dataset"))
        self.keep_button.setToolTip(self.tr("Turn the last question and answer into a training example"))
        self.code_button.setText(self.tr("Copy code to use it"))
        self.clear_button.setText(self.tr("Clear"))
        self.pages.setTabText(0, self.tr("Chat"))
        self.pages.setTabText(1, self.tr("Validation set"))
        self.pages.setTabToolTip(1, self.tr("Ask every question of a file and compare the answers with the "
                                            "expected ones"))

    # -- the profile and its models -------------------------------------------------------------------
    def load_profile(self) -> None:
        self.stream_box.setChecked(self._streaming_preference())
        self._restore_history()
        self.tasks.replace(LOADING, self._load_models())

    async def _load_models(self) -> None:
        models, names = await models_to_try(await self.session())
        current = self.chosen or self.model_combo.currentText()  # read after the wait: a choice made meanwhile wins
        self.known = {m.id: m for m in models}
        for combo in (self.model_combo, self.other_combo):
            fill(combo, names, self.known)
        self.set_model(current or (names[0] if names else ""))

    def set_model(self, model: str) -> None:
        """Choose the model to talk to (the compare side defaults to its base model)."""
        self.model_combo.setCurrentText(model)
        self._model_chosen(model)

    def _model_chosen(self, model: str) -> None:
        self.chosen = model
        self.panes[0].set_model(model)
        self.separator_edit.setVisible(is_legacy(model))
        if is_legacy(model) and model.startswith("ft:"):
            self.tasks.replace(FINDING_MARKERS, self._find_markers(model))
        base = self.known[model].base if model in self.known else parse_fine_tuned(model)[0]
        if base:
            self.other_combo.setCurrentText(base)
        self.panes[1].set_model(self.other_combo.currentText())

    async def _find_markers(self, model: str) -> None:
        """Legacy models answer well only with the separator and stop sequence they were trained with."""
        separator, stop = await (await self.session()).training_markers(model)
        if self.model_combo.currentText() == model:
            self.separator_edit.setText(show_controls(separator))
            self.stop_edit.setText(show_controls(stop))

    def _other_profiles(self) -> list[tuple[str, str]]:
        settings = self.service.settings
        return [(p.id, p.name) for p in settings.profiles if p.id != settings.active_profile.id]

    async def _connect_profile(self, profile_id: str) -> Provider:
        return await connect(self.service, self.service.settings.profile(profile_id))

    def _chosen_models(self) -> list[str]:
        models = [self.model_combo.currentText().strip()]
        if self.compare.isChecked() and self.other_combo.currentText().strip():
            models.append(self.other_combo.currentText().strip())
        return [m for m in models if m]

    def _use_deployment(self, name: str, base: str) -> None:
        """Chat with a deployment the user made in the provider's portal, compared with the model's base."""
        self.set_model(name)
        if base:
            self.other_combo.setCurrentText(base)
        self.messages.hide()

    # -- asking -----------------------------------------------------------------------------------------
    def _request(self, pane: AnswerPane, question: str) -> ChatRequest:
        stops = tuple(read_controls(s) for s in self.stop_edit.text().split(",") if s.strip())
        temperature = None if self.temperature.value() < 0 else self.temperature.value()
        return ChatRequest(pane.model, transcript_messages(self.system_edit.text(), pane.turns, question),
                           temperature, self.max_tokens.value() or None, stops,
                           read_controls(self.separator_edit.text()) if is_legacy(pane.model) else "")

    def send(self) -> None:
        question = self.question.toPlainText().strip()
        if not question or not self.panes[0].model or self.tasks.busy(ASKING):
            return
        self.question.clear()
        self.tasks.replace(ASKING, self._ask_all(question))

    async def _ask_all(self, question: str) -> None:
        self._set_busy(True)
        try:
            panes = [p for p in self.panes if p.isVisible() and p.model] or [self.panes[0]]
            provider = await self.session()
            names = await self._chat_names(provider, panes, question)
            if names:
                self.transcript.begin_turn()
                await asyncio.gather(*(self._ask(provider, pane, name, question)
                                       for pane, name in zip(panes, names, strict=True)))
        finally:
            self._set_busy(False)
            self._save_history()

    def offer(self, message: str, hint: str, action: str, do: Callable[[], object], error: bool = False) -> None:
        """Show ``message`` with a button that does ``do``."""
        self._message_action = do
        (self.messages.show_error if error else self.messages.show_info)(message, hint, action)

    async def _chat_names(self, provider: Provider, panes: list[AnswerPane], question: str) -> list[str]:
        """The name each pane's model answers under, or [] when one cannot answer yet (the deployment steps
        say why); the question then goes back into the box, so nothing typed is lost."""
        try:
            names = [await self.deployment_steps.chat_name(provider, pane.model, self.known.get(pane.model))
                     for pane in panes]
        except CoreError:
            self.question.setPlainText(question)
            raise
        if None in names:
            self.question.setPlainText(question)
            return []
        return [name for name in names if name is not None]

    async def _ask(self, provider: Provider, pane: AnswerPane, name: str, question: str) -> None:
        pane.ask(question)
        try:
            answer = await ask(provider.chat_client, replace(self._request(pane, question), model=name),
                               pane.add_text, stream=self.stream_box.isChecked())
        except asyncio.CancelledError:
            pane.finish(question, None, self.tr("stopped; what arrived is kept"))
            raise
        except PartialAnswerError as error:
            pane.finish(question, None, error.user_message)
            self._retry_question = question
            self.offer(error.user_message, error.hint, self.tr("Ask again"), self._retry, error=True)
            return
        except CoreError:
            pane.finish(question, None, self.tr("no answer"))
            raise
        pane.finish(question, answer, self._notice(answer))

    def _notice(self, answer: Answer) -> str:
        if self.stream_box.isChecked() and not answer.streamed:
            self.stream_box.setChecked(False)  # remembered for this profile
            self.messages.show_info(self.tr("This connection does not stream answers, so streaming is now off for "
                                            "this profile."), self.tr("Answers appear when they are complete."))
            return self.tr("not streamed")
        if answer.buffered:
            if self._profile_id() not in self._told_buffering:  # once per profile is enough
                self._told_buffering.add(self._profile_id())
                self.messages.show_info(self.tr("A proxy or gateway on the way holds streamed answers back until "
                                                "they are complete."), self.tr("Nothing is lost; answers just appear "
                                                                               "at once."))
            return self.tr("buffered by the gateway")
        return ""

    def _retry(self) -> None:
        """Ask the question whose answer was cut off once more (the partial answer stays in the transcript)."""
        if self._retry_question and not self.tasks.busy(ASKING):
            self.messages.hide()
            self.question.setPlainText(self._retry_question)
            self._retry_question = ""
            self.send()

    def stop(self) -> None:
        self.tasks.cancel(ASKING)

    def _set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    # -- keeping, code, history ---------------------------------------------------------------------------
    def _keep(self) -> None:
        pane = self.panes[0]
        if not pane.turns:
            return
        question, answer = pane.turns[-1]
        messages = list(transcript_messages(self.system_edit.text(), [], question)) + [
            {"role": "assistant", "content": answer}]
        self.add_to_dataset.emit(Row(0, {"messages": messages}))

    async def _copy(self, write: Callable[[ChatRequest, str], str]) -> None:
        """The request as code, at the provider's chat address and under the name the model answers to."""
        pane, provider = self.panes[0], await self.session()
        question = self.question.toPlainText().strip() or (pane.turns[-1][0] if pane.turns else "Hello")
        try:
            model = await provider.chat_model(pane.model)
        except CoreError:
            model = pane.model  # not deployed yet: the code is still useful once it is
        request = replace(self._request(pane, question), model=model)
        QApplication.clipboard().setText(write(request, str(provider.chat_client.base_url).rstrip("/")))

    def _profile_id(self) -> str:
        return self.service.settings.active_profile_id

    def _save_history(self) -> None:
        pane = self.panes[0]
        history.save(self._profile_id(), [history.Turn(pane.model, q, a) for q, a in pane.turns])

    def _restore_history(self) -> None:
        for pane in self.panes:
            pane.clear()
        turns = history.load(self._profile_id())
        if turns:
            self.panes[0].set_model(turns[-1].model)
            self.panes[0].show_turns([(t.question, t.answer) for t in turns])

    def _clear(self) -> None:
        for pane in self.panes:
            pane.clear()
        history.clear(self._profile_id())

    def _streaming_preference(self) -> bool:
        return streaming.wanted(self._profile_id())

    def _remember_streaming(self, on: bool) -> None:
        streaming.remember(self._profile_id(), on)
