"""Waits for the local stack to answer, then prints the page's URL.

It runs as the stack's last Procfile process; honcho stops every process
when one exits, so after the announcement it simply waits.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import requests

READY_TIMEOUT_SECONDS = 180


def wait_for(url: str) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


def main() -> int:
    web = f"http://127.0.0.1:{os.environ['RECS_WEB_PORT']}/"
    api = f"http://127.0.0.1:{os.environ['RECS_API_PORT']}/readyz"

    if not (wait_for(api) and wait_for(web + "healthz")):
        print(
            f"the stack did not come up within {READY_TIMEOUT_SECONDS} s; "
            "see the logs above"
        )
        return 1

    print("\n" + "=" * 64)
    print(f"  Recs Studio System Dashboard is up: {web}")
    print("  Stop with Ctrl-C.")
    print("=" * 64 + "\n", flush=True)
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
