"""gunicorn settings of the benchmarks, and the floor they compare against.

The benchmarks start services with tests/support/processes.py (``gunicorn
--workers 2 main:app``) and pass this file as ``GUNICORN_CMD_ARGS=--config
bench/floor_app.py``, which adds the rest of the production command
(services/*/Dockerfile: ``--threads 8 --timeout 60``).

The floor: after each worker has loaded the service's app, ``post_worker_init``
puts a tiny WSGI app in front of it that answers ``GET /__floor__/<N>`` with
a static JSON body of exactly N bytes, built once per size, and passes every
other request to the service unchanged. So the floor is served by the same
gunicorn server, the same workers and the same threads as the endpoints it
is compared with (bench/read_path.py); what it costs is gunicorn, HTTP on
loopback and the bytes, without Flask, the store or any computation.
"""

from __future__ import annotations

import re

threads = 8
timeout = 60

FLOOR = re.compile(r"/__floor__/(\d+)")
# The smallest body that is valid JSON of this shape.
SHELL = b'{"success":true,"data":""}'


def floor_body(size: int) -> bytes:
    """A JSON document of exactly ``size`` bytes (at least the shell's)."""
    padding = max(size - len(SHELL), 0)
    return SHELL[:-2] + b"x" * padding + SHELL[-2:]


def with_floor(app):
    bodies: dict[int, bytes] = {}

    def floor_or_app(environ, start_response):
        matched = FLOOR.fullmatch(environ.get("PATH_INFO", ""))
        if matched is None:
            return app(environ, start_response)

        size = int(matched.group(1))
        if size not in bodies:
            bodies[size] = floor_body(size)
        body = bodies[size]
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
        ]
        start_response("200 OK", headers)
        return [body]

    return floor_or_app


def post_worker_init(worker) -> None:
    """gunicorn's hook: runs in each worker once it has loaded ``main:app``."""
    worker.wsgi = with_floor(worker.wsgi)
