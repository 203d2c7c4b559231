"""The PySide6 window. Everything it does is a call into workbench.core."""
