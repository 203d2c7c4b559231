"""Images (scans and photos of documents): one page whose text comes from OCR.

Tesseract reads these formats itself, so the original bytes go to it unchanged. Until
OCR has run, the page is marked ``needed``.
"""

from __future__ import annotations

from workbench.core.documents import PageText
from workbench.core.importing.extract import (RENDERERS, ExtractionError, Extracted,
                                              ImportOptions, register, title_from_name)

_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg",
          b"II*\x00": "image/tiff", b"MM\x00*": "image/tiff"}


@register(".png", ".jpg", ".jpeg", ".tif", ".tiff")
def extract_image(data: bytes, name: str, options: ImportOptions) -> Extracted:
    media_type = next((t for magic, t in _MAGIC.items() if data.startswith(magic)), None)
    if media_type is None:
        raise ExtractionError("not an image of the type its name says (unknown format)")
    return Extracted(kind="image", title=title_from_name(name),
                     pages=[PageText("", "needed")], media_type=media_type,
                     ocr_pages=[0])


def image_as_is(data: bytes, index: int) -> bytes:
    return data


RENDERERS["image"] = image_as_is
