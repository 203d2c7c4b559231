"""The window's writes: document edits, excerpts and imports (a mixin of MainWindow).

Each write is a job on the session's writer thread; the window hears the result through
the job's signals and the case's changes, never by reading back right away.
"""

from __future__ import annotations

from contextlib import nullcontext

from workbench.core import actors, browse, documents, excerpts, importing, tags
from workbench.core.changes import Changes, Ref
from workbench.core.importing import ImportOptions
from workbench.ui import dialogs
from workbench.ui.reading import excerpt_dialog
from workbench.ui.shell import import_dialogs
from workbench.ui.shell.jobs import Job


class WritesMixin:
    """Edits, excerpting and importing, for :class:`~workbench.ui.shell.main_window.MainWindow`."""

    def edit_document(self, document_id: int, values: dict) -> Job | None:
        """Write an edit of a document (title, origin, confidential, tags) as one action."""
        if self.session is None:
            return None
        values = dict(values)
        label = "Edit document"
        if "confidential" in values:
            current = documents.get(self.session.reader, document_id)
            if current.confidential and not values["confidential"]:
                if not dialogs.confirm_publishable(self, "document", current.title):
                    # Nothing written: the table's check box and the details show the
                    # stored flag again.
                    self.documents_model.apply_changes(Changes(
                        action="", updated=frozenset({Ref("documents", document_id)})))
                    details = self.side_panel.document_details
                    if details.document_id == document_id:
                        details.load(self.session.reader, document_id)
                    return None
                label = "Mark document not confidential"
            elif not current.confidential and values["confidential"]:
                label = "Mark document confidential"
        wanted_tags = values.pop("tags", None)

        def edit(case, _progress):
            with case.action(label):
                if values:
                    documents.update(case, document_id, **values)
                if wanted_tags is not None:
                    have = set(tags.of(case, "document", document_id))
                    for name in sorted(set(wanted_tags) - have):
                        tags.add(case, "document", document_id, name)
                    for name in sorted(have - set(wanted_tags)):
                        tags.remove(case, "document", document_id, name)
        job = self.session.jobs.run("Editing document", edit)
        job.failed.connect(lambda msg: dialogs.show_error(self, "Cannot change document", msg))
        self.last_job = job
        return job

    # -- excerpting ---------------------------------------------------------------------------
    def _excerpt_requested(self, document_id: int, page: int, start: int, end: int) -> None:
        if self.session is None:
            return
        text = self.reader.text_view.text
        quote = text[start:end]
        doc = self.reader.document
        where = f"{doc.title}, page {page}" if doc else f"page {page}"
        people = [(a.id, a.name) for a in actors.list_all(self.session.reader)]
        dialog = excerpt_dialog.ExcerptDialog(quote, where, people, self)
        dialog.setObjectName("excerptDialog")
        dialog.accepted.connect(lambda: self.add_excerpt(
            document_id, page, start, end, note=dialog.note, actor_id=dialog.actor_id))
        dialog.open()

    def add_excerpt(self, document_id: int, page: int, start: int, end: int, *,
                    note: str | None = None, actor_id: int | None = None) -> Job | None:
        if self.session is None:
            return None
        job = self.session.jobs.run("Adding excerpt", lambda case, _p: excerpts.add_range(
            case, document_id=document_id, page=page, start=start, end=end, note=note,
            actor_id=actor_id))
        job.finished.connect(lambda changes: self._excerpt_added(changes.id))
        job.failed.connect(lambda msg: dialogs.show_error(self, "Cannot add excerpt", msg))
        self.last_job = job
        return job

    def _excerpt_added(self, excerpt_id: int) -> None:
        self.statusBar().showMessage(f"Excerpt {excerpt_id} added", 5000)
        ex = excerpts.get(self.session.reader, excerpt_id)
        self.reader.focus = (ex.start, ex.end)
        self.reader.refresh_highlights()

    # -- importing ------------------------------------------------------------------------------
    def import_dialog(self, paths: list[str] = ()) -> import_dialogs.ImportDialog | None:
        if self.session is None:
            return None
        origins = [o for o, _ in browse.document_groups(self.session.reader)["origin"] if o]
        dialog = import_dialogs.ImportDialog(list(paths), origins, self)
        dialog.setObjectName("importDialog")
        dialog.accepted.connect(lambda: self.start_import(
            dialog.paths, origin=dialog.origin, confidential=dialog.confidential,
            ocr=dialog.ocr))
        dialog.open()
        return dialog

    def start_import(self, paths: list[str], *, origin: str | None = None,
                     confidential: bool = False, ocr: str = "auto",
                     summary: bool = True) -> Job | None:
        if self.session is None or not paths:
            return None
        options = ImportOptions(ocr=ocr)
        session = self.session

        def run_import(case, progress):
            # The search index takes the whole import in few commits, not one a file.
            batch = session.index.batched() if session.index is not None else nullcontext()
            with batch:
                return importing.import_paths(case, paths, origin=origin,
                                              confidential=confidential, options=options,
                                              progress=progress)
        job = self.session.jobs.run("Importing", run_import, cancellable=True,
                                    show_progress=True)
        if summary:
            job.finished.connect(self._import_finished)
        job.failed.connect(lambda msg: dialogs.show_error(self, "Import stopped", msg))
        self.last_job = job
        return job

    def _import_finished(self, report) -> None:
        dialog = import_dialogs.ImportSummaryDialog(report, self)
        dialog.setObjectName("importSummary")
        dialog.open()
        self.import_summary = dialog

    def dragEnterEvent(self, event) -> None:
        if self.session is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_dialog(paths)

