"""The command line of the database benchmarks: their sizes as ``--name N`` options, and the databases
they run on (SQLite, then PostgreSQL; ``--skip-postgres``, and ``--skip-sqlite`` where SQLite may be left
out), with ``--skip-browser`` for those that also time the app in Chromium."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def options(prog: str, sizes: dict[str, int], *, browser: bool = False, skip_sqlite: bool = False):
    """The parsed command line of ``python -m <prog>``: ``--<name> N`` for each of ``sizes`` (with its
    default), then ``--skip-browser`` (``browser``), ``--skip-postgres`` and ``--skip-sqlite`` (``skip_sqlite``)."""
    parser = argparse.ArgumentParser(prog=f"python -m {prog}")
    for name, default in sizes.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    if browser:
        parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    if skip_sqlite:
        parser.add_argument("--skip-sqlite", action="store_true")
    return parser.parse_args()


def databases(args) -> list[str]:
    """The backends the command line leaves, SQLite first."""
    skipped = {"sqlite": getattr(args, "skip_sqlite", False), "postgresql": args.skip_postgres}
    return [backend for backend, skip in skipped.items() if not skip]


def run(args, on_database: Callable[[str], None], in_browser: Callable[[], None]) -> None:
    """``on_database`` on each backend the command line leaves, then ``in_browser`` unless ``--skip-browser``."""
    for backend in databases(args):
        on_database(backend)
    if not args.skip_browser:
        in_browser()
