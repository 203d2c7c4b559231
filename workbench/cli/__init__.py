"""The ``workbench`` command line: thin click wrappers over :mod:`workbench.core`."""
