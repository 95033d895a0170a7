"""Run a service as a real gunicorn process on loopback, and kill it hard."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from devtools.ports import free_port

REPO = Path(__file__).resolve().parents[2]


class ServiceProcess:
    def __init__(
        self, service: str, env: dict[str, str], log_path: Path, port: int | None = None
    ) -> None:
        self.service = service
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.log_path = log_path
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/healthz", timeout: float = 30) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [*command, "main:app"],
                cwd=REPO / "services" / self.service,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.service} exited; see {self.log_path}")
            try:
                if requests.get(self.url + ready_path, timeout=0.5).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"{self.service} did not answer within {timeout} s")

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def logs(self) -> str:
        return self.log_path.read_text()
