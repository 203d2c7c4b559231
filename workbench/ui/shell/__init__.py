"""The shell: what holds the window together. The application and its settings, the main
window with its menus, navigator and welcome page, the open case (:mod:`.session`) with
its writer, reader and change batcher (:mod:`.jobs`), the window's own writes, import
dialogs, undo and redo, and the verification docks that put the panels in the window.
It is the only place that composes the panels: it may import ``reading``, ``search``,
``reconcile``, ``publish``, the shared plumbing in ``workbench.ui`` and
``workbench.core``; nothing imports it except the launcher (and tests).
"""
