"""The platform database's size in production: Firestore, from Cloud Monitoring.

Firestore's own API reports no sizes, but Cloud Monitoring keeps the
database's data-and-index storage bytes. Monitoring has no figure per
collection, so the snapshot's top tables stay empty in production (the
local profile lists them from the SQLite file).
"""

from __future__ import annotations

from datetime import UTC, datetime

from metrics_collector.sources.monitoring_source import FIRESTORE_BYTES, CloudMonitoring
from metrics_collector.sources.ports import DatabaseSize, SourceUnavailable


class FirestoreDatabaseSize:
    def __init__(self, monitoring: CloudMonitoring, database_id: str) -> None:
        self.monitoring = monitoring
        self.database_id = database_id

    def size(self) -> DatabaseSize:
        size_bytes = self.monitoring.firestore_bytes(
            self.database_id, datetime.now(UTC)
        )
        if size_bytes is None:
            raise SourceUnavailable(
                f"Cloud Monitoring has no {FIRESTORE_BYTES} reading for the "
                f"Firestore database {self.database_id} in the last days"
            )
        return DatabaseSize(size_bytes=size_bytes, tables=[])
