"""Start the production build of Billing Center on a free port for end-to-end tests."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.processor import Processor, start_processor
from tests.support import ROOT, free_port, stop_process_group

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class AppServer:
    url: str
    port: int
    database_url: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    processor: Processor | None = field(default=None, repr=False)

    def stop(self) -> None:
        if self.processor is not None:
            self.processor.stop()
        stop_process_group(self.process, grace=20)

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_app(workdir: Path, database_url: str, extra_env: dict[str, str] | None = None) -> AppServer:
    """Migrate and seed ``database_url``, then build and serve the production app. The web build
    goes to its own folder, since the backend's port is compiled into the frontend. A port taken
    by another process between picking and binding is retried with a new one."""
    for attempt in range(3):
        try:
            return _start_app(workdir / f"try{attempt}", database_url, extra_env)
        except PortTaken:
            continue
    raise RuntimeError("no free port for the app after 3 tries")


class PortTaken(RuntimeError):
    pass


@contextlib.contextmanager
def _one_build_at_a_time():
    """Reflex's build reads and rewrites the project's ``reflex.lock/`` (bun.lock, package.json) in the
    checkout itself, whatever the web folder: two servers building at once (the xdist workers, the
    fault and scale-out clusters) once left bun.lock empty, and every later build refused it. So the
    builds of one checkout take turns, across processes, until each server answers."""
    name = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    with open(Path(tempfile.gettempdir()) / f"billing-center-build-{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _start_app(workdir: Path, database_url: str, extra_env: dict[str, str] | None) -> AppServer:
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # The sandbox card processor (its own service, own port); the browser may embed its card form.
    processor = start_processor(workdir, [f"http://localhost:{port}", f"http://127.0.0.1:{port}"])
    tools = ROOT / ".tools" / "node_modules" / ".bin"
    venv_bin = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{tools}:{venv_bin}:{os.environ.get('PATH', '')}",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_URL": f"http://localhost:{port}",
        "REFLEX_WEB_WORKDIR": str(workdir / "web"),
        "REFLEX_STATES_WORKDIR": str(workdir / "states"),
        "REFLEX_TELEMETRY_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
        "PROCESSOR_URL": processor.url,
        **(extra_env or {}),
    }
    for step in (["-m", "alembic", "upgrade", "head"], ["-m", "billing_center.seed"]):
        subprocess.run([sys.executable, *step], cwd=ROOT, env=env, check=True, capture_output=True)
    with _one_build_at_a_time():
        return _serve(workdir, port, database_url, env, processor)


def _serve(workdir: Path, port: int, database_url: str, env: dict[str, str], processor: Processor) -> AppServer:
    venv_bin = Path(sys.executable).parent
    log = workdir / "server.log"
    process = subprocess.Popen(
        [str(venv_bin / "reflex"), "run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = AppServer(url=f"http://localhost:{port}", port=port, database_url=database_url, env=env, log=log,
                       process=process, processor=processor)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            processor.stop()
            if "already in use" in server.log_tail():
                raise PortTaken(server.log_tail())
            raise RuntimeError(f"the app stopped while starting:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.url}/ping", timeout=2).status_code == 200 and \
                    httpx.get(f"{server.url}/sign-in", timeout=5, follow_redirects=True).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(1)
    server.stop()
    raise RuntimeError(f"the app did not start in time:\n{server.log_tail()}")
