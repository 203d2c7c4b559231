"""Workbench: an offline case workbench for investigative journalists and fact-checkers."""

__version__ = "0.1.0"
