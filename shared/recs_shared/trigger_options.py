"""The one rule of every scheduled trigger: options come in the JSON body.

Cloud Scheduler posts a JSON body; a trigger that silently ignored
``?dry_run=true`` would run for real, so query parameters are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def query_fault(args: Mapping[str, object], options: Iterable[str]) -> str | None:
    """Why a request with these query parameters is refused; None when it has none."""
    if not args:
        return None
    return (
        f"options go in the JSON body: {', '.join(options)}; "
        f"got query parameters: {', '.join(sorted(args))}"
    )
