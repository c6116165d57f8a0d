"""Operator commands: ``python -m billing_center tick`` runs every scheduled job once (renewals,
dunning, ends of term, session purge) and prints what each handled."""

from __future__ import annotations

import logging
import sys


def main(argv: list[str]) -> int:
    if argv[:1] != ["tick"]:
        print("usage: python -m billing_center tick", file=sys.stderr)
        return 2
    from billing_center import scheduler

    logging.basicConfig(level=logging.INFO)
    failed = 0
    for outcome in scheduler.tick():
        print(f"{outcome.name}: {outcome.error or outcome.handled}")
        failed += bool(outcome.error)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
