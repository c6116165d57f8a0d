"""The test-only fault points (billing_center/faults.py): off by default, never on outside loopback http,
and when armed, exactly one process dies (SIGKILL) at the named point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from billing_center.faults import FAULT_FILE_ENV
from tests.support import ROOT

REACH = "from billing_center import faults; faults.point('order.after_charge'); print('survived')"


def reach_point(fault_file, **env) -> subprocess.CompletedProcess:
    """A process of its own (it may be killed) that reaches the point ``order.after_charge``."""
    environment = {k: v for k, v in os.environ.items() if k not in (FAULT_FILE_ENV, "PUBLIC_URL")}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", REACH], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=60)


def test_an_armed_point_kills_the_process_that_reaches_it_once(tmp_path):
    fault = tmp_path / "fault"
    fault.write_text("order.after_charge")
    env = {FAULT_FILE_ENV: str(fault), "PUBLIC_URL": "http://127.0.0.1:3000"}
    assert reach_point(fault, **env).returncode == -signal.SIGKILL
    assert not fault.exists()  # claimed by the process that died
    assert len(list(tmp_path.glob("fault.fired.*"))) == 1
    assert reach_point(fault, **env).stdout.strip() == "survived"  # it fires once


@pytest.mark.parametrize(("armed", "public_url", "point"), [
    (False, "http://127.0.0.1:3000", "order.after_charge"),  # no fault file named: off by default
    (True, "https://billing.example.com", "order.after_charge"),  # production: never
    (True, "http://billing.example.com", "order.after_charge"),  # not loopback: never
    (True, "http://localhost:3000", "order.before_charge"),  # another point armed
])
def test_a_point_does_nothing_unless_armed_for_it_on_loopback(tmp_path, armed, public_url, point):
    fault = tmp_path / "fault"
    fault.write_text(point)
    env = {"PUBLIC_URL": public_url, **({FAULT_FILE_ENV: str(fault)} if armed else {})}
    result = reach_point(fault, **env)
    assert result.returncode == 0 and result.stdout.strip() == "survived"
    assert fault.read_text() == point
