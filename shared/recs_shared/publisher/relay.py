"""The relay of the embedded profile: drains the outbox into push endpoints.

Run it beside the services (``make run`` does). It also lists and requeues
dead letters:

    python -m recs_shared.publisher.relay            # deliver, forever
    python -m recs_shared.publisher.relay --once     # deliver what is due, exit
    python -m recs_shared.publisher.relay --dead     # list parked messages
    python -m recs_shared.publisher.relay --requeue  # give them another go
"""

from __future__ import annotations

import argparse
import logging
import time

from recs_shared import cloud_logging, settings
from recs_shared.publisher import make_deliverer
from recs_shared.publisher.outbox import Outbox

log = logging.getLogger("relay")
IDLE_POLL_SECONDS = 1.0


def run_forever(deliverer, outbox: Outbox) -> None:
    log.info("relay delivering from %s", outbox.path)
    while True:
        deliverer.deliver_due()
        wait = outbox.next_due_in()
        time.sleep(IDLE_POLL_SECONDS if wait is None else min(wait, IDLE_POLL_SECONDS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="deliver what is due, exit")
    parser.add_argument("--dead", action="store_true", help="list dead letters")
    parser.add_argument("--requeue", action="store_true", help="requeue dead letters")
    args = parser.parse_args(argv)

    config = settings.load(settings.CollectorSettings)
    cloud_logging.configure("relay", config.gcp_project, config.log_level)
    outbox = Outbox(config.outbox_path)

    if args.dead:
        dead = outbox.dead()
        for row in dead:
            print(f"{row.message_id}  {row.subscription}  {row.last_error}")
        print(f"{len(dead)} dead letter(s) in {config.outbox_path}")
        return 0
    if args.requeue:
        print(f"requeued {outbox.requeue_dead()} dead letter(s)")
        return 0

    deliverer = make_deliverer(config, outbox)
    if args.once:
        delivered = deliverer.deliver_due()
        print(f"delivered {delivered}; {len(outbox.pending())} still pending")
        return 0
    run_forever(deliverer, outbox)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
