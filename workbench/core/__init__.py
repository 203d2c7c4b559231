"""The domain core: the case file and everything in it. Never imports Qt.

Callers (the command line, the window, the report) use the modules of this package;
no SQL lives outside it.
"""
