"""Labels > Agreement report: how far the annotators of a merged project agree (or those of
project files the person picks), as tables: entities, sections per pair, sections over all, and
the documents where they differ. The figures come from :mod:`annotator.services.agreement`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import AgreementReport
from annotator.domain import count
from annotator.services.agreement import agreement_of_files, agreement_of_project, fmt
from annotator.store import StorageError
from annotator.ui.file_dialogs import open_file_names
from annotator.ui.tables import setup_rows

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


def open_agreement_dialog(window: MainWindow) -> AgreementDialog:
    dialog = window.findChild(AgreementDialog, "agreementDialog")
    if dialog is None:
        dialog = AgreementDialog(window)
    dialog.show_report(agreement_of_project(window.store), window.db_path.name)
    dialog.open()
    return dialog


class AgreementDialog(QDialog):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("agreementDialog")
        self.setWindowTitle("Agreement")
        self.setAccessibleName("Agreement report")
        self.summary = QLabel(self)
        self.summary.setObjectName("agreementSummary")
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.tables = {}
        for name, title, headers in (
                ("entities", "Entities", ["Pair", "Label", "Spans", "Exact F1", "Overlap F1"]),
                ("sections", "Sections by pair", ["Pair", "Label", "Blocks", "Cohen's κ"]),
                ("group", "Sections, everyone", ["Label", "Blocks (all)", "Fleiss' κ",
                                                 "Blocks (≥2)", "Krippendorff's α"]),
                ("differences", "Where they differ", ["Document", "Where", "Who chose what"])):
            table = QTableWidget(0, len(headers), self)
            table.setObjectName(f"agreement-{name}")
            table.setAccessibleName(title)
            table.setHorizontalHeaderLabels(headers)
            setup_rows(table, f"{title} rows", padding=8)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.setAlternatingRowColors(True)
            self.tables[name] = table
            self.tabs.addTab(table, title)
        compare = QPushButton("Compare project files…", self)
        compare.setObjectName("agreementFiles")
        compare.setToolTip("Pick two or more annotators' project files to compare")
        compare.clicked.connect(self._pick_files)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(compare, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(820, 520)

    def show_report(self, report: AgreementReport, source: str) -> None:
        if len(report.annotators) < 2:
            self.summary.setText(
                f"{source} keeps no other annotators' versions to compare. Merge their project "
                "files into it (annotator merge), or compare their files directly.")
        else:
            self.summary.setText(
                f"{source}: {', '.join(report.annotators)}; "
                f"{count(report.shared_documents, 'document')} finished by at least two of them. "
                "F1 is symmetric; κ and α are 1 for perfect agreement and 0 for chance; “-” "
                "where a figure is undefined.")
        self._fill("entities", [
            (f"{r.first} ~ {r.second}", r.label or "all", f"{r.exact.a} / {r.exact.b}",
             fmt(r.exact.f1), fmt(r.overlap.f1)) for r in report.entities])
        self._fill("sections", [(f"{k.first} ~ {k.second}", k.label or "all", str(k.items),
                                 fmt(k.kappa)) for k in report.sections])
        self._fill("group", [(g.label or "all", str(g.complete), fmt(g.fleiss), str(g.pairable),
                              fmt(g.alpha)) for g in report.group])
        self._fill("differences", [
            (report.titles.get(d.doc, d.doc[:10])[:60], d.what,
             "  |  ".join(f"{what} ({', '.join(who)})" for what, who in d.choices))
            for d in report.differences])
        self.tabs.setTabText(3, f"Where they differ ({len(report.differences)})")

    def _fill(self, name: str, rows: list[tuple[str, ...]]) -> None:
        table = self.tables[name]
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if value.replace(" / ", "").replace(".", "").strip("-").isdigit() or value == "-":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        for c in range(table.columnCount()):  # figures get room to breathe, text what it needs
            header.resizeSection(c, min(max(header.sectionSize(c) + 16, 90), 240))
        header.setStretchLastSection(name == "differences")

    def _pick_files(self) -> None:
        paths = open_file_names(self, "Annotators' project files",
                                "Annotator projects (*.db);;All files (*)")
        if paths:
            self.compare_files([Path(p) for p in paths])

    def compare_files(self, paths: list[Path]) -> None:
        try:
            report = agreement_of_files(paths)
        except (ValueError, FileNotFoundError, StorageError) as exc:
            self.summary.setText(f"Cannot compare: {exc}")
            return
        self.show_report(report, ", ".join(p.name for p in paths))
