"""Run every benchmark, one after another, and write bench/RESULTS.md.

    .venv/bin/python -m bench.run_all [--quick] [--note TEXT] [--output PATH]

Each script runs in a process of its own with ``--markdown``, never two at
once (they would share the cores); RESULTS.md gets the date (UTC), the
machine, the note on the load conditions (``--note``), and each script's
section: the exact command that reproduces it, the load average before and
after it, and its tables. ``--quick`` uses small sizes: it checks that
everything runs, its figures are not the ones to quote.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import REPO
from bench._common import load_average, machine

# Script: (default arguments, --quick arguments).
SCRIPTS = {
    "read_path": ([], ["--duration", "1", "--years", "1", "--projects", "50"]),
    "ingest": ([], ["--deliveries", "200", "--firestore-deliveries", "50"]),
    "store_reads": ([], ["--years", "1", "--projects", "50"]),
    "metrics_collect": ([], ["--history-days", "30", "365"]),
    "billing_collect": ([], ["--rows", "1000", "10000"]),
    "page_load": ([], ["--runs", "2"]),
}


def run(script: str, arguments: list[str]) -> str:
    """The script's Markdown section (its exit status added when not 0)."""
    print(f"running bench.{script} {' '.join(arguments)}", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{script}", *arguments, "--markdown"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    section = done.stdout.strip()
    if done.returncode != 0:
        section += f"\n\n- exit status {done.returncode}:\n\n```\n"
        section += done.stderr.strip()[-3000:] + "\n```"
    return section


def header(note: str, quick: bool) -> str:
    sizes = "small sizes (--quick): checks, not figures to quote" if quick else ""
    return "\n".join(
        [
            "# Benchmark results",
            "",
            "The latest figures of every script in bench/ (written by "
            "`.venv/bin/python -m bench.run_all`; each section names the command "
            "that reproduces it). Nothing asserts the targets; they are printed "
            "beside the figures.",
            "",
            f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {machine()}",
            f"- load average at the start: {load_average()}",
            f"- conditions: {note or 'not stated'}" + (f"; {sizes}" if sizes else ""),
            "",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--note", default="", help="the load conditions, in words")
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)

    text = header(args.note, args.quick)
    for script, (default, quick) in SCRIPTS.items():
        text += "\n" + run(script, quick if args.quick else default) + "\n"
    args.output.write_text(text)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
