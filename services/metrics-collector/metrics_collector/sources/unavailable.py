"""The local stand-in for a Google Cloud source that has no local equivalent.

Every read raises SourceUnavailable with the reason, so the figure is
recorded as not measured and the page says why, rather than showing a
number nobody measured.
"""

from __future__ import annotations

from typing import Any

from metrics_collector.sources.ports import SourceUnavailable


class Unavailable:
    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def read(*args: Any, **kwargs: Any) -> Any:
            raise SourceUnavailable(self.reason)

        return read
