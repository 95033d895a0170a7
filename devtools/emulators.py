"""Start and stop gcloud's Firestore and Pub/Sub emulators (tests, local runner).

Each emulator runs in its own process group: stopping only the gcloud
wrapper would leave the Java server serving. Ports are picked free and
checked: if something already answers there we refuse to start, since the
Pub/Sub emulator would log an error on a busy port and keep running.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from devtools.ports import free_port, in_use

COMMANDS = {
    "firestore": ["gcloud", "emulators", "firestore", "start"],
    "pubsub": ["gcloud", "beta", "emulators", "pubsub", "start"],
}
START_TIMEOUT_SECONDS = 60


class EmulatorUnavailable(RuntimeError):
    """The emulator cannot run on this machine; the message says why."""


@dataclass
class Emulator:
    name: str
    host: str
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # The Java child may outlive the wrapper; the group kill covers it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def start(name: str, log_dir: Path) -> Emulator:
    if shutil.which("gcloud") is None:
        raise EmulatorUnavailable("gcloud is not installed (needed for the emulators)")

    port = free_port()
    host = f"127.0.0.1:{port}"
    if in_use(port):
        raise EmulatorUnavailable(f"something already listens on {host}")

    log_path = log_dir / f"{name}-emulator.log"
    log_file = log_path.open("w")
    env = {**os.environ, "CLOUDSDK_CORE_DISABLE_PROMPTS": "1"}
    process = subprocess.Popen(
        [*COMMANDS[name], f"--host-port={host}"],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    emulator = Emulator(name, host, process, log_path)

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmulatorUnavailable(
                f"the {name} emulator exited at start: {_tail(log_path)}"
            )
        if _answers(f"http://{host}/"):
            return emulator
        time.sleep(0.2)

    emulator.stop()
    raise EmulatorUnavailable(f"the {name} emulator did not answer within 60 s")


def reset_firestore(emulator: Emulator, project: str) -> None:
    url = f"{emulator.url}/emulator/v1/projects/{project}/databases/(default)/documents"
    requests.delete(url, timeout=10).raise_for_status()


def reset_pubsub(emulator: Emulator) -> None:
    requests.post(f"{emulator.url}/reset", timeout=10).raise_for_status()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=0.5).text.strip() == "Ok"
    except requests.RequestException:
        return False


def _tail(path: Path) -> str:
    lines = path.read_text(errors="replace").strip().splitlines()
    return " | ".join(lines[-5:]) or "(no output)"
