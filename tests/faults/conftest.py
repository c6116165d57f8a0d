"""Fault tests (issue 16): the production app with two workers on a PostgreSQL and a Redis of their own,
broken on purpose. They run in every ``make test``, on one xdist worker at a time (tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}
