"""The curation bar: above the article of a merged document, the disagreement at hand, its
alternatives with who chose each, and the keys that settle it.

It only shows: the window's curation actions (``take-1`` … ``take-9``, ``keep-edit``,
``next-disagreement``) do the work through :mod:`annotator.core.curating`. Hidden for a document
no annotators disagree on.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from annotator.core.curation import Disagreement
from annotator.store.curation import Settled

MAX_KEYS = 9  # alternatives Alt+1 … Alt+9


class CurationBar(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("curationBar")
        self.setAccessibleName("Disagreement")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.items: list[tuple[Disagreement, Settled | None]] = []
        self.index = -1
        self.text = ""
        self.headline = QLabel(self)
        self.headline.setObjectName("curationHeadline")
        self.headline.setAccessibleName("The disagreement at hand")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setWordWrap(True)
        self.choices = QWidget(self)
        self.choices.setObjectName("curationChoices")
        self.choices.setAccessibleName("Alternatives and who chose each")
        self.grid = QGridLayout(self.choices)
        self.grid.setContentsMargins(0, 2, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(2)
        self.hint = QLabel(self)
        self.hint.setObjectName("curationHint")
        self.hint.setAccessibleName("Curation keys")
        self.hint.setWordWrap(True)
        self.hint.setText("Alt+1 … Alt+9 take that version  ·  Alt+0 keep your own edit  ·  "
                          "D / Shift+D next / previous  ·  Ctrl+Z undo")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(4)
        layout.addWidget(self.headline)
        layout.addWidget(self.choices)
        layout.addWidget(self.hint)
        self.colours: dict[str, str] = {}
        self.hide()

    @property
    def current(self) -> Disagreement | None:
        return self.items[self.index][0] if 0 <= self.index < len(self.items) else None

    def show_document(self, text: str, items: list[tuple[Disagreement, Settled | None]],
                      project_open: int | None, keep: tuple | None = None) -> None:
        """Show a document's disagreements; the current one is ``keep`` (a region key) when it
        is still there, else the first open one, else the first."""
        self.text, self.items = text, items
        keys = [d.key for d, _ in items]
        if keep in keys:
            self.index = keys.index(keep)
        else:
            self.index = next((i for i, (_d, s) in enumerate(items) if s is None),
                              0 if items else -1)
        self._project_open = project_open
        self.setVisible(bool(items))
        self._draw()

    def select(self, key: tuple) -> None:
        keys = [d.key for d, _ in self.items]
        if key in keys:
            self.index = keys.index(key)
            self._draw()

    def _draw(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:  # gone now, not at the next event loop turn
                item.widget().hide()
                item.widget().deleteLater()
        d = self.current
        if d is None:
            return
        decision = self.items[self.index][1]
        here = sum(1 for _d, s in self.items if s is None)
        state = ("<b>settled</b>: " + (f"took {escape(', '.join(decision.choice))}’s"
                                       if decision.choice else "kept the edit")
                 + f" (by {escape(decision.curator)})") if decision else "<b>open</b>"
        project = ("counting in the project…" if self._project_open is None
                   else f"{self._project_open} open in the project")
        self.headline.setText(
            f"Disagreement {self.index + 1} of {len(self.items)} in this document "
            f"({here} open; {project}) — "
            f"{escape(d.describe(self.text))}: {state}")
        for row, alternative in enumerate(d.alternatives):
            key = QLabel(f"Alt+{row + 1}" if row < MAX_KEYS else "", self.choices)
            key.setObjectName("curationKey")
            what = QLabel(self.choices)
            what.setTextFormat(Qt.TextFormat.RichText)
            what.setText(self._swatches(alternative.labels)
                         + escape(d.say(alternative, self.text)))
            who = QLabel("chosen by " + ", ".join(alternative.annotators), self.choices)
            who.setObjectName("curationWho")
            taken = decision is not None and decision.choice == alternative.annotators
            for col, label in enumerate((key, what, who)):
                label.setAccessibleName(f"Alternative {row + 1}")
                if taken:
                    font = label.font()
                    font.setBold(True)
                    label.setFont(font)
                self.grid.addWidget(label, row, col)
                label.show()
        self.grid.setColumnStretch(2, 1)

    def _swatches(self, labels) -> str:
        """A coloured square before each label (its palette colour), so the choice reads at a
        glance as the article draws it."""
        out = ""
        for _s, _e, label in labels[:1]:
            colour = self.colours.get(label)
            if colour:
                out += f'<span style="color:{colour}">■</span> '
        return out
