"""Searching the case: the results list with snippets and facets, and the thread that
runs queries against the case's search index. It may import the shared plumbing in
``workbench.ui`` and ``workbench.core``, never another panel (``reading``,
``reconcile``, ``publish``) nor the ``shell``.
"""
