"""Switching language in Settings, and a check that nothing visible is left in English."""

import re
import xml.etree.ElementTree as ET

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QWidget,
)

from core.i18n import catalogue_path, current_language
from gui.navigation import SETTINGS
from tests.gui.conftest import until

ZH_INDEX = 2  # "简体中文" in the language combo
NOT_TRANSLATED = {"English", "简体中文", "OpenAI", "Azure OpenAI", "https://api.openai.com/v1", "✕"}
# Kept in English in Chinese UIs: technical terms, addresses and model ids.
TERMS = re.compile(r"Base URL|OpenAI|Azure|API|DNS|TCP|TLS|JSONL?|https?://\S+|gpt-[\w.-]+|(davinci|babbage)-002")


def visible_texts(window) -> set[str]:
    """Every piece of text the main window shows or announces: titles, labels, buttons, menus, hints."""
    texts = {window.windowTitle(), window.status_label.text()}
    for widget in window.findChildren(QWidget):
        if isinstance(widget.parent(), QTabBar) or not shown(widget, window):
            continue  # Qt's own tab scroll buttons keep their accessible names until restart
        if isinstance(widget, QLabel):
            texts.add(widget.text())
        elif isinstance(widget, QAbstractButton | QGroupBox):
            texts.add(widget.text() if isinstance(widget, QAbstractButton) else widget.title())
        elif isinstance(widget, QLineEdit):
            texts.add(widget.placeholderText())
        elif isinstance(widget, QTabWidget):
            texts.update(widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QComboBox):
            texts.update(widget.itemText(i) for i in range(widget.count()))
        elif isinstance(widget, QMenu):
            texts.add(widget.title())
            texts.update(action.text() for action in widget.actions())
        texts.update({widget.toolTip(), widget.accessibleName()})
    model = window.settings_tab.model
    texts.update(model.index(i).data() for i in range(model.rowCount()))
    return {re.sub(r"<[^>]+>", "", t).strip() for t in texts if t and t.strip()}


def untranslated(texts: set[str]) -> set[str]:
    """Texts with English words and no Chinese (profile data and fixed names allowed)."""
    return {t for t in texts if t not in NOT_TRANSLATED and re.search(r"[A-Za-z]{3,}", TERMS.sub("", t))
            and not re.search(r"[\u4e00-\u9fff]", t)}


def shown(widget: QWidget, window: QWidget) -> bool:
    """Not hidden by the app (pages of other tabs count as shown: the user can open them)."""
    while widget is not None and widget is not window:
        if widget.isHidden() and not isinstance(widget.parent(), QStackedWidget):
            return False
        widget = widget.parent()
    return True


async def test_switching_to_chinese_applies_without_restart(qtbot, window, service):
    combo = window.settings_tab.language_combo
    combo.setCurrentIndex(ZH_INDEX)
    await until(lambda: window.tabs.tabText(SETTINGS) == "设置")
    assert [window.tabs.tabText(i) for i in range(SETTINGS, SETTINGS + 5)] == ["设置", "数据集", "训练", "试用", "模型"]
    assert window.status_label.text() == "配置：沙盒（练习用，不产生费用） — 尚未检查"
    assert current_language() == "zh_CN"
    assert service.settings.language == "zh_CN"  # remembered for the next start
    combo.setCurrentIndex(1)
    await until(lambda: window.tabs.tabText(SETTINGS) == "Settings")


async def test_no_visible_string_is_left_untranslated(qtbot, window):
    window.settings_tab.add_menu.actions()[1].trigger()  # an Azure draft shows every field
    english = visible_texts(window)
    window.languages.apply("zh_CN")
    await until(lambda: window.tabs.tabText(SETTINGS) == "设置")
    chinese = visible_texts(window)
    assert len(english) > 30
    assert untranslated(chinese) == set()


async def test_core_messages_follow_the_language(qtbot, window):
    from core.errors import status_error

    window.languages.apply("zh_CN")
    assert status_error(401).user_message == "服务器拒绝了这个 API 密钥。"


def test_catalogue_is_complete():
    root = ET.parse(catalogue_path("zh_CN")).getroot()
    unfinished = [m.findtext("source") for m in root.iter("message")
                  if m.find("translation").get("type") == "unfinished" or not m.findtext("translation")]
    assert unfinished == []
    assert catalogue_path("zh_CN").with_suffix(".qm").stat().st_mtime >= 0


async def test_dialogs_are_translated_too(qtbot, window):
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.test_dataset_tab import dialog

    window.languages.apply("zh_CN")
    window.show_welcome()
    welcome = dialog("welcome")
    texts = {welcome.windowTitle(), welcome.title.text(), welcome.intro.text(), welcome.practice_button.text(),
             welcome.account_button.text(), welcome.account_text.text(), welcome.settings_button.text()}
    assert untranslated({re.sub(r"<[^>]+>", "", t) for t in texts}) == set()
    welcome.close()
    window.help.reset_action.trigger()  # a question box: its standard buttons come from Qt's own catalogue
    await until(lambda: dialog() is not None)
    box = dialog()
    buttons = {box.button(QMessageBox.StandardButton.Reset).text(),
               box.button(QMessageBox.StandardButton.Cancel).text()}
    assert untranslated({box.text(), *buttons}) == set(), buttons
    box.button(QMessageBox.StandardButton.Cancel).click()
    window.help.show_guide()
    assert "使用指南" in dialog("guide").windowTitle()
    window.help.guide.close()
