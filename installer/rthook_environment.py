"""PyInstaller run-time hook: give programs Workbench starts the user's own library path.

The bootloader points LD_LIBRARY_PATH at the bundle so its copies of Qt, ICU and OpenSSL
are found; tesseract (OCR) inherits the environment, and the bundle's libraries must not
replace the system's in it. The running process is not affected: the dynamic loader read
LD_LIBRARY_PATH when the process started.
"""

import os
import sys

_bundle = getattr(sys, "_MEIPASS", None)
if _bundle and _bundle in os.environ.get("LD_LIBRARY_PATH", ""):
    _orig = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if _orig is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = _orig
