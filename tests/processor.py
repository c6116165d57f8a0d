"""The sandbox card processor in its own process, for tests (service, unit and end-to-end) and benchmarks.
The ``processor`` and ``gateway`` fixtures are in ``tests/fixtures.py``."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support import free_port, stop_process_group

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Processor:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        stop_process_group(self.process)

    # test controls of the sandbox -------------------------------------------------------------
    def faults(self, **settings) -> None:
        httpx.post(f"{self.url}/_test/faults", json=settings, timeout=5).raise_for_status()

    def charges(self, idempotency_key: str | None = None) -> list[dict]:
        params = {"idempotency_key": idempotency_key} if idempotency_key else {}
        return httpx.get(f"{self.url}/_test/charges", params=params, timeout=5).json()["charges"]

    def reset(self) -> None:
        """Forget every charge made so far (tokens stay)."""
        httpx.post(f"{self.url}/_test/reset", timeout=5).raise_for_status()

    def tokenise(self, number: str, exp: str = "12/34", cvc: str = "123") -> httpx.Response:
        """What the browser's card form does: post the card straight to the processor."""
        month, year = exp.split("/")
        return httpx.post(f"{self.url}/v1/tokens", json={"number": number, "exp_month": int(month),
                                                          "exp_year": int(year), "cvc": cvc}, timeout=5)

    def token(self, number: str, **kw) -> str:
        response = self.tokenise(number, **kw)
        response.raise_for_status()
        return response.json()["token"]


def start_processor(workdir: Path, allowed_origins: list[str] | None = None) -> Processor:
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "processor.log"
    args = [sys.executable, "-m", "billing_center.payments.sandbox", "--port", str(port)]
    for origin in allowed_origins or []:
        args += ["--allow-origin", origin]
    process = subprocess.Popen(args, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    processor = Processor(url=f"http://127.0.0.1:{port}", process=process, log=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the sandbox processor stopped:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{processor.url}/health", timeout=1).status_code == 200:
                return processor
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    processor.stop()
    raise RuntimeError("the sandbox processor did not start")


@contextmanager
def running_processor(workdir: Path) -> Iterator[Processor]:
    """A sandbox processor that runs until the ``with`` block ends."""
    processor = start_processor(workdir)
    try:
        yield processor
    finally:
        processor.stop()
