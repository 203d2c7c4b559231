"""Reading a document: the reader (one document, a page at a time), the page text with
excerpts and hits highlighted, PDF pages rendered off the GUI thread, the side panel
(excerpts and details of the selection) and the dialog that makes an excerpt. It may
import the shared plumbing in ``workbench.ui`` and ``workbench.core``, never another
panel (``search``, ``reconcile``, ``publish``) nor the ``shell``.
"""
