"""Run the whole stack locally on the embedded profile (``make run``).

SQLite store and loopback push; every service on its own loopback port under
honcho; the page's URL is printed once everything answers. Demo data is
prepared first (once; ``--reset`` starts from an empty local data folder).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from devtools import demo
from devtools.ports import in_use
from recs_shared import settings
from recs_shared.settings import LocalStackSettings

REPO = Path(__file__).resolve().parents[1]

PORTS = {
    "RECS_WEB_PORT": "web_port",
    "RECS_API_PORT": "api_port",
    "RECS_BILLING_COLLECTOR_PORT": "billing_collector_port",
    "RECS_METRICS_COLLECTOR_PORT": "metrics_collector_port",
}


def stack_environment(config: LocalStackSettings, profile: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({name: str(getattr(config, field)) for name, field in PORTS.items()})
    env.update(
        {
            "RECS_PROFILE": profile,
            "RECS_DATA_DIR": str(config.data_dir),
            "RECS_GCP_PROJECT": config.gcp_project,
            "RECS_DASHBOARD_API_URL": f"http://127.0.0.1:{config.api_port}",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def busy_ports(config: LocalStackSettings) -> list[str]:
    return [
        f"port {getattr(config, field)} ({name})"
        for name, field in PORTS.items()
        if in_use(getattr(config, field))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reset", action="store_true", help="start from empty local data"
    )
    args = parser.parse_args(argv)

    config = settings.load(LocalStackSettings)
    busy = busy_ports(config)
    if busy:
        print(
            "cannot start: " + ", ".join(busy) + " already in use. Stop what uses "
            "it, or choose another port with the variable named."
        )
        return 1

    if args.reset and config.data_dir.exists():
        shutil.rmtree(config.data_dir)
    env = stack_environment(config, "local")
    demo.prepare(config, env)

    print(
        f"Starting the stack; the page will be at http://127.0.0.1:{config.web_port}/"
    )
    os.chdir(REPO)
    honcho = [sys.executable, "-m", "honcho", "start", "-f", "Procfile"]
    os.execvpe(sys.executable, honcho, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
