"""Word files (.docx) with python-docx: paragraphs and tables, in document order.

A .docx has no fixed pages, so its text is one page. Table rows become lines with
cells separated by tabs, so a quoted figure can be found again in its row.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from workbench.core.documents import PageText
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              register, size_text, title_from_name)
from workbench.core.importing.text import split_long

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _blocks(document: Any) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            out.append(Paragraph(child, document).text)
        elif child.tag == f"{_W}tbl":
            table = Table(child, document)
            for row in table.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    # A merged cell is returned once per grid column it spans.
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                out.append("\t".join(cells))
            out.append("")
    return out


#: Parts of a package smaller than this are never judged by their packing ratio.
_RATIO_FLOOR = 1024 * 1024


def _check_package(data: bytes, options: ImportOptions) -> None:
    """Refuse a .docx whose parts would unpack to more than the import limit, or pack
    implausibly well (a zip bomb dressed as a Word file), before python-docx reads
    every part into memory."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
    total = sum(i.file_size for i in infos)
    if total > options.max_file_bytes:
        raise ExtractionError(f"zip bomb: the Word file would unpack to {size_text(total)} "
                              f"(limit {size_text(options.max_file_bytes)})")
    for info in infos:
        if (info.file_size > _RATIO_FLOOR
                and info.file_size > options.max_ratio * max(1, info.compress_size)):
            raise ExtractionError(f"zip bomb: a part of the Word file is compressed "
                                  f"{info.file_size / max(1, info.compress_size):.0f}:1")


@register(".docx")
def extract_docx(data: bytes, name: str, options: ImportOptions) -> Extracted:
    import docx  # python-docx; loaded only when a Word file turns up

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ExtractionError("damaged Word file (not a .docx package)")
    _check_package(data, options)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ExtractionError(f"damaged Word file ({type(exc).__name__})") from None
    text = "\n".join(_blocks(document)).strip("\n")
    pages = [PageText(p) for p in split_long(text)]
    props = document.core_properties
    metadata = {k: str(v) for k, v in (("title", props.title), ("author", props.author),
                                       ("created", props.created),
                                       ("modified", props.modified)) if v}
    return Extracted(kind="docx", title=props.title or title_from_name(name),
                     pages=pages, metadata=metadata,
                     media_type="application/vnd.openxmlformats-officedocument."
                                "wordprocessingml.document")
