"""Verifying claims: the reconciliation board (a claim, the evidence for and against, the
verdict) and its models, responses (statements on the record), actors and their
dossiers, the findings editor and its models, readiness (the publication gate, live),
the timeline with its dialogs, and the list of citable excerpts and statements. It may
import the shared plumbing in ``workbench.ui`` and ``workbench.core``, never another
panel (``reading``, ``search``, ``publish``) nor the ``shell``.
"""
