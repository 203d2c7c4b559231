"""Exporting a report: the one route every format takes, from the command line and from
the window's export dialog.

:func:`export` builds the snapshot, runs the publication gate (final exports), renders
the chosen format into a temporary file *in the target folder*, reads what it wrote
back and refuses to keep it if it still names a confidential source in any form (the
last check trusts nothing the gate said), and only then renames it over the target.

:func:`check_output` is the guard on the target: an export never writes over the case
file, its sidecar files (``-wal``, ``-shm``, ``-journal``, also when reached by another
name: a hard link has the same inode), a symbolic link, or anything that is not a
regular file (a device, a folder, a pipe); and the file name's extension must be one of
the chosen format's.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.core import gate, snapshot
from workbench.core.casefile import Case, refuse_as_output
from workbench.core.errors import ValidationError, WorkbenchError
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.redaction import Redactor

#: Format -> the file name endings it may be written under (the first is the default).
EXTENSIONS = {"pdf": (".pdf",), "md": (".md", ".markdown"),
              "claimreview": (".jsonld", ".json")}

_UMASK = os.umask(0o022)
os.umask(_UMASK)


class ConfidentialLeak(WorkbenchError):
    """The rendered report still names a confidential source: nothing was written."""


def check_output(output: str | Path, *, fmt: str, case_path: str | Path | None) -> Path:
    """Refuse a target an export must not write to (see the module docstring)."""
    path = Path(output)
    if case_path is not None:
        refuse_as_output(case_path, path)
    elif os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
        raise ValidationError(f"cannot write {path}: it is a link or not a regular file")
    if fmt in EXTENSIONS and path.suffix.lower() not in EXTENSIONS[fmt]:
        endings = " or ".join(EXTENSIONS[fmt])
        raise ValidationError(f"cannot write {path.name}: a {fmt} export is written to a "
                              f"file ending in {endings} (not "
                              f"{path.suffix or 'no extension'})")
    if not path.parent.is_dir():
        raise ValidationError(f"cannot write {path}: folder {path.parent} does not exist")
    return path


@contextlib.contextmanager
def replacing(output: str | Path, *, fmt: str,
              case_path: str | Path | None = None) -> Iterator[Path]:
    """Yield a temporary file beside ``output``; on success it replaces ``output``.

    The target is checked before and again right before the rename; on any error (or
    cancellation) the temporary file is removed and ``output`` is left as it was.
    """
    path = check_output(output, fmt=fmt, case_path=case_path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial",
                                    dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        check_output(path, fmt=fmt, case_path=case_path)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- the last check --------------------------------------------------------------------

def printed_texts(fmt: str, path: Path | None = None, text: str | None = None) -> list[str]:
    """Every text a reader of the exported file can see: a PDF's page text, metadata
    and bookmarks (read back with pypdfium2); Markdown without its escapes; every
    string of the JSON-LD."""
    if fmt == "pdf":
        return _pdf_texts(path)  # type: ignore[arg-type]
    if fmt == "md":
        return [re.sub(r"\\(.)", r"\1", text or "")]
    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                out.append(str(k))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(text or "null"))
    return out


def _pdf_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    from workbench.core.importing.pdf import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is called from one thread at a time (the window's reader
        pdf = pdfium.PdfDocument(str(path))  # renders pages while an export runs)
        try:
            out = [str(v) for v in pdf.get_metadata_dict().values() if v]
            out += [item.get_title() or "" for item in pdf.get_toc()]
            for n in range(len(pdf)):
                page = pdf[n]
                textpage = page.get_textpage()
                out.append(textpage.get_text_range())
                textpage.close()
                page.close()
            return out
        finally:
            pdf.close()


def last_check(redactor: Redactor, texts: list[str]) -> None:
    """Raise :class:`ConfidentialLeak` if any text names a confidential source."""
    for text in texts:
        hits = redactor.find(text)
        if hits:
            start, end, kind, entity_id, what = hits[0]
            raise ConfidentialLeak(
                f"refused to write the report: it still gives the {what} of confidential "
                f"{kind} {entity_id} (\"{text[start:end]}\"); nothing was written")


# -- the export ------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportRequest:
    fmt: str  # pdf | md | claimreview
    output: Path | None  # None: return the text (Markdown, JSON-LD)
    title: str | None = None
    byline: str | None = None
    date: str | None = None
    draft: bool = False
    publisher: str | None = None
    url: str | None = None
    reproducible: bool = False
    chronology: bool = False  # the optional Chronology section


@dataclass(frozen=True)
class Exported:
    snapshot: snapshot.ReportSnapshot
    problems: tuple[gate.Problem, ...]  # a refused final export: nothing written
    path: Path | None = None
    text: str | None = None

    @property
    def refused(self) -> bool:
        return bool(self.problems)


def export(case: Case, request: ExportRequest, *,
           progress: Progress = NO_PROGRESS) -> Exported:
    """Build, check, render, read back, and write the report. Any thread; reads only."""
    from workbench.report import render_claimreview, render_markdown, render_pdf

    if request.fmt not in EXTENSIONS:
        raise ValidationError(f"unknown format {request.fmt!r}")
    if request.fmt == "pdf" and request.output is None:
        raise ValidationError("a PDF needs an output file")
    if request.output is not None:
        check_output(request.output, fmt=request.fmt, case_path=case.path)
    progress.update(0.0, "Reading the case")
    snap = snapshot.build(case, title=request.title, byline=request.byline,
                          date=request.date, draft=request.draft,
                          publisher=request.publisher, url=request.url,
                          progress=progress.child(0.0, 0.4), chronology=request.chronology)
    if not request.draft:
        progress.update(0.4, "Checking the case is publishable")
        problems = gate.check(case, title=request.title, byline=request.byline, built=snap)
        if problems:
            return Exported(snap, tuple(problems))
    if request.fmt == "claimreview" and not request.draft:
        _require_publisher(snap)
    progress.check()
    progress.update(0.5, "Writing the report")
    redactor = Redactor(case, public=(snap.byline, snap.publisher))
    if request.fmt == "pdf":
        with replacing(request.output, fmt="pdf", case_path=case.path) as tmp:  # type: ignore[arg-type]
            render_pdf(snap, tmp, reproducible=request.reproducible,
                       progress=progress.child(0.5, 0.9), atomic=False)
            progress.update(0.9, "Reading the report back")
            last_check(redactor, printed_texts("pdf", path=tmp))
        return Exported(snap, (), path=request.output)
    render: Callable[[snapshot.ReportSnapshot], str] = \
        render_markdown if request.fmt == "md" else render_claimreview
    text = render(snap)
    last_check(redactor, printed_texts(request.fmt, text=text))
    if request.output is None:
        return Exported(snap, (), text=text)
    with replacing(request.output, fmt=request.fmt, case_path=case.path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    progress.update(1.0, "Done")
    return Exported(snap, (), path=request.output, text=text)


def _require_publisher(snap: snapshot.ReportSnapshot) -> None:
    if not snap.publisher:
        raise ValidationError(
            "ClaimReview needs the publishing organisation: --publisher NAME (or "
            "`workbench publisher CASE NAME --url URL` once for the case)")
    if not snap.url:
        raise ValidationError(
            "ClaimReview needs the address the fact-check is published at: --url URL "
            "(or `workbench publisher CASE NAME --url URL` once for the case)")
