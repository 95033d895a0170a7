"""Benchmark scripts (run as ``.venv/bin/python -m bench.NAME``; see RESULTS.md).

The services are not installed packages; like pytest (pyproject.toml), the
benchmarks find them on the path set here, before any script imports them.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("dashboard-api", "web", "billing-collector", "metrics-collector")

sys.path[:0] = [str(REPO / "services" / name) for name in SERVICES]
