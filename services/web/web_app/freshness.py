"""The "when was this collected" lines each chapter shows.

Built from the ``freshness`` object of an API response (docs/api.md). The
page's scripts render the same lines for the chapters they load
(assets/js/freshness.js); this renders them for the server-rendered chapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web_app.presenters import utc_time

SOURCE_NAMES = {
    "resource_metrics": "Resource metrics",
    "billing": "Billing",
    "platform": "Platform data",
}


@dataclass(frozen=True)
class Line:
    text: str
    css: str = ""


def lines(freshness: dict[str, Any] | None) -> list[Line]:
    if not freshness:
        return [Line("Collection time unknown: the API gave no freshness.", "")]

    source = SOURCE_NAMES.get(freshness.get("source"), "Data")
    status = freshness.get("status")
    if status == "none":
        return [Line(f"{source}: not collected yet.")]

    text = f"{source}: collected {utc_time(freshness.get('collected_at'))}"
    if freshness.get("snapshot_date"):
        text += f", data up to {freshness['snapshot_date']}"
    result = [Line(text + ".")]

    failed = freshness.get("failed_collectors") or []
    if status in ("partial", "error") and failed:
        kind = "Partial collection" if status == "partial" else "Collection failed"
        names = "; ".join(_failure(item) for item in failed)
        css = "freshness-warning" if status == "partial" else "freshness-failed"
        result.append(Line(f"{kind}: {names}.", css))

    provisional = freshness.get("provisional_days") or []
    if provisional:
        days = ", ".join(provisional)
        result.append(Line(f"Provisional (may still change): {days}.", ""))
    return result


def _failure(item: dict[str, Any]) -> str:
    collector = item.get("collector", "unknown collector")
    error = item.get("error")
    return f"{collector} failed ({error})" if error else f"{collector} failed"
