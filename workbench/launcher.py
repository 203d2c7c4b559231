"""The ``workbench`` entry point: the command line (and, later, the window)."""

from __future__ import annotations

from workbench.cli.main import main as cli_main


def main(argv: list[str] | None = None) -> None:
    cli_main(argv)


if __name__ == "__main__":
    main()
