"""Run the whole stack on gcloud's Firestore and Pub/Sub emulators.

The second way to run locally: the same services with the emulators profile
(Firestore store, Pub/Sub publisher) and real push subscriptions created from
the topology file, so messages travel exactly as on Google Cloud (minus the
OIDC tokens, which the emulator does not send). Emulator data lives only as
long as the emulators do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devtools import announce, demo, emulators
from devtools.run_local import REPO, busy_ports, stack_environment
from recs_shared import settings
from recs_shared.settings import LocalStackSettings

SERVICES = ["dashboard-api", "web", "billing-collector", "metrics-collector", "ready"]


def main() -> int:
    config = settings.load(
        LocalStackSettings, {**os.environ, "RECS_PROFILE": "emulators"}
    )
    busy = busy_ports(config)
    if busy:
        print("cannot start: " + ", ".join(busy) + " already in use.")
        return 1

    log_dir = config.data_dir / "emulators"
    log_dir.mkdir(parents=True, exist_ok=True)
    started = []
    try:
        for name in ("firestore", "pubsub"):
            started.append(emulators.start(name, log_dir))
            print(
                f"{name} emulator on {started[-1].host} (log: {started[-1].log_path})"
            )
        return _run(config, *started)
    except emulators.EmulatorUnavailable as error:
        print(f"cannot start the emulators: {error}")
        return 1
    finally:
        for emulator in started:
            emulator.stop()


def _run(config: LocalStackSettings, firestore, pubsub) -> int:
    env = stack_environment(config, "emulators")
    env["FIRESTORE_EMULATOR_HOST"] = firestore.host
    env["PUBSUB_EMULATOR_HOST"] = pubsub.host
    os.environ.update(env)

    from recs_shared.publisher.provision import provision

    provision(
        config.gcp_project,
        {"dashboard-api": env["RECS_DASHBOARD_API_URL"]},
        retry_policy=False,
    )

    print(
        f"Starting the stack; the page will be at http://127.0.0.1:{config.web_port}/"
    )
    honcho = [sys.executable, "-m", "honcho", "start", "-f", "Procfile", *SERVICES]
    stack = subprocess.Popen(honcho, cwd=Path(REPO), env=env)

    # Demo events are published once dashboard-api answers: the emulator's
    # push subscriptions retry every second (see provision), so publishing
    # into a stack that is still starting would only burn delivery attempts.
    try:
        if announce.wait_for(f"{env['RECS_DASHBOARD_API_URL']}/readyz"):
            demo.prepare(settings.load(LocalStackSettings), env)
        return stack.wait()
    except KeyboardInterrupt:
        return stack.wait()


if __name__ == "__main__":
    sys.exit(main())
