"""Getting the case out: the report export dialog (PDF, draft or final, behind the gate)
and the export for Aleph (FollowTheMoney). It may import the shared plumbing in
``workbench.ui`` and ``workbench.core``, never another panel (``reading``, ``search``,
``reconcile``) nor the ``shell``.
"""
