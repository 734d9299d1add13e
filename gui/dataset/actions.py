"""The Dataset tab's actions (toolbar, menus, shortcuts) and their translated texts."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton, QWidget

from core.i18n import tr
from gui import icons

Key = QKeySequence.StandardKey


class DatasetActions(QObject):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)

        def action(shortcut: QKeySequence | Key | str | None = None, icon: str = "") -> QAction:
            made = QAction(parent)
            if shortcut is not None:
                made.setShortcut(QKeySequence(shortcut))
            if icon:
                icons.attach(made, icon)
            parent.addAction(made)
            return made

        self.new = action(Key.New, "new")
        self.open = action(Key.Open, "open")
        self.save = action(Key.Save, "save")
        self.save_as = action(Key.SaveAs)
        self.export_split, self.export_csv = action(), action()
        self.add_row = action("Ctrl+Shift+N", "add_row")
        self.duplicate = action("Ctrl+D")
        self.delete = action(Key.Delete, "delete")
        self.move_up, self.move_down = action("Alt+Up", "up"), action("Alt+Down", "down")
        self.copy, self.copy_tsv = action(Key.Copy), action("Ctrl+Shift+C")
        self.paste = action(Key.Paste)
        self.find = action(Key.Find)
        self.trim, self.dedupe, self.drop_empty = action(), action(), action()
        self.add_system, self.to_chat = action(), action()
        self.grow = action(icon="grow")
        self.review_file = action()
        self.new_menu, self.recent_menu = QMenu(parent), QMenu(parent)
        self.export_menu, self.fix_menu = QMenu(parent), QMenu(parent)
        self.templates = {name: QAction(parent) for name in ("support_chat", "qa_completion", "dpo_preference")}
        self.grow_menu = QMenu(parent)
        self.grow_menu.addActions([self.grow, self.review_file])
        self.new_menu.addAction(self.new)
        self.new_menu.addActions(list(self.templates.values()))
        self.export_menu.addActions([self.export_split, self.export_csv])
        self.fix_menu.addActions([self.trim, self.dedupe, self.drop_empty, self.add_system, self.to_chat])

    def toolbar(self, undo: QAction, redo: QAction) -> QToolBar:
        bar = self.bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for menu, first in ((self.new_menu, self.new), (self.recent_menu, None)):
            button = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.MenuButtonPopup
                                 if first else QToolButton.ToolButtonPopupMode.InstantPopup,
                                 toolButtonStyle=Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setMenu(menu)
            if first:
                button.setDefaultAction(first)
            else:
                self.recent_button = button
                icons.attach(button, "recent")
            bar.addWidget(button)
        bar.addActions([self.open, self.save])
        for menu, icon in ((self.export_menu, "export"), (self.fix_menu, "fix")):
            button = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.InstantPopup,
                                 toolButtonStyle=Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setMenu(menu)
            button.setText(menu.title())
            icons.attach(button, icon)
            menu.menuAction().changed.connect(lambda b=button, m=menu: b.setText(m.title()))
            bar.addWidget(button)
        grow = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.MenuButtonPopup,
                           toolButtonStyle=Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        grow.setMenu(self.grow_menu)
        grow.setDefaultAction(self.grow)
        bar.addWidget(grow)
        bar.addSeparator()
        icons.attach(undo, "undo")
        icons.attach(redo, "redo")
        bar.addActions([undo, redo])
        bar.addSeparator()
        bar.addActions([self.add_row, self.delete, self.move_up, self.move_down])
        return bar

    def retranslate(self) -> None:
        texts = {self.new: (tr("&New"), tr("Start an empty dataset")),
                 self.open: (tr("&Open…"), tr("Open a JSONL, JSON, CSV, TSV or Excel file")),
                 self.save: (tr("&Save"), tr("Save as JSONL (the previous version is kept as .bak)")),
                 self.save_as: (tr("Save &as…"), tr("Save as a new JSONL file")),
                 self.export_split: (tr("Training and validation files…"), tr("Hold back 10% as a validation file")),
                 self.export_csv: (tr("CSV for Excel…"), tr("Save a copy that Excel opens")),
                 self.add_row: (tr("Add row"), tr("Add an example below the selection")),
                 self.duplicate: (tr("Duplicate rows"), tr("Copy the selected rows below them")),
                 self.delete: (tr("Delete rows"), tr("Delete the selected rows (Ctrl+Z brings them back)")),
                 self.move_up: (tr("Move up"), tr("Move the selected rows up")),
                 self.move_down: (tr("Move down"), tr("Move the selected rows down")),
                 self.copy: (tr("Copy as JSONL"), tr("Copy the selected rows, one JSON object per line")),
                 self.copy_tsv: (tr("Copy for Excel"), tr("Copy the selected rows as tab-separated text")),
                 self.paste: (tr("Paste rows"), tr("Paste JSONL lines or cells copied from Excel as new rows")),
                 self.find: (tr("Find"), tr("Search the examples")),
                 self.trim: (tr("Trim spaces"), tr("Remove spaces and blank lines around every text")),
                 self.dedupe: (tr("Remove duplicates"), tr("Keep the first of identical examples")),
                 self.drop_empty: (tr("Remove empty rows"), tr("Remove examples with no text at all")),
                 self.add_system: (tr("Add a system message…"), tr("Give every chat example the same system "
                                                                  "message")),
                 self.grow: (tr("Grow dataset…"), tr("Write more examples like the selected ones, or from a "
                                                     "document, with a model; you review each one before it "
                                                     "joins the file")),
                 self.review_file: (tr("Review new rows from a file…"), tr("Put the rows of a review file (written "
                                                                            "by the grow command) in the review "
                                                                            "queue")),
                 self.to_chat: (tr("Convert to chat"), tr("Turn prompt/completion rows into user/assistant "
                                                          "messages, removing old separators"))}
        for item, (text, tip) in texts.items():
            item.setText(text)
            item.setToolTip(tip)
            item.setStatusTip(tip)
        for name, text in (("support_chat", tr("Customer-support chat")), ("qa_completion", tr("Q&A completion")),
                           ("dpo_preference", tr("Preference pairs (DPO)"))):
            self.templates[name].setText(tr("From template: {name}").format(name=text))
        self.new_menu.setTitle(tr("New"))
        self.recent_menu.setTitle(tr("Recent"))
        self.recent_button.setText(tr("Recent"))
        self.export_menu.setTitle(tr("Export"))
        self.fix_menu.setTitle(tr("Fix"))
        more = self.bar.findChild(QToolButton, "qt_toolbar_ext_button")  # Qt's » when the window is narrow
        if more is not None:
            more.setAccessibleName(tr("More commands"))
            more.setToolTip(tr("More commands"))
