"""The PySide6 window. Everything it does is a call into workbench.core.

Folders follow what the user does: ``shell`` (the application, the main window and
what composes the panels), ``reading``, ``search``, ``reconcile`` and ``publish`` (the
panels, which never import one another). The modules at this level are the shared
plumbing every folder may use, and they import no folder: ``table_model`` (the base of
list-backed table models), ``models`` (documents, excerpts, import items), ``dragdrop``
(the reference format panels drag), ``style`` (semantic colours and icons), ``writing``
(writes through the session's writer), ``background`` (the background reader and
change batching), ``dialogs`` (errors and confirmations), ``menu_lookup`` and
``row_heights`` (rows fitted to their text, on screen only).
"""
