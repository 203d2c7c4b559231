"""The publishable report: reportlab only, rendered from a snapshot, never from SQL."""
