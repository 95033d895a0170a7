"""The metrics collector's sources: the adapters each profile uses.

production: the Google Cloud adapters on the official client libraries,
plus the platform's collections in Firestore and the Firestore database's
size from Cloud Monitoring. local and emulators: the platform's
collections in the store, the SQLite store file for the database figures
(local only), and an Unavailable stand-in that names the reason for every
Google Cloud API with no local equivalent.
"""

from __future__ import annotations

from metrics_collector.sources.platform_source import PlatformCollections
from metrics_collector.sources.ports import Sources
from metrics_collector.sources.stored_snapshots import StoredSnapshots
from metrics_collector.sources.unavailable import Unavailable
from recs_shared.settings import MetricsCollectorSettings
from recs_shared.store import DocumentStore

NO_EMULATOR_SIZE = (
    "the Firestore emulator reports no database size (production reads it "
    "from Cloud Monitoring)"
)


def make_sources(settings: MetricsCollectorSettings, store: DocumentStore) -> Sources:
    if settings.profile == "production":
        return google_cloud_sources(settings, store)
    return local_sources(settings, store)


def local_sources(settings: MetricsCollectorSettings, store: DocumentStore) -> Sources:
    from metrics_collector.sources.database_source import SQLiteStoreFile

    def unavailable(api: str) -> Unavailable:
        return Unavailable(f"{api} is not available in the {settings.profile} profile")

    if settings.profile == "local":
        database = SQLiteStoreFile(settings.sqlite_path)
    else:
        database = Unavailable(NO_EMULATOR_SIZE)

    return Sources(
        bigquery=unavailable("BigQuery"),
        cloud_run=unavailable("the Cloud Run Admin API"),
        monitoring=unavailable("Cloud Monitoring"),
        database=database,
        platform=PlatformCollections(store),
        history=StoredSnapshots(store),
    )


def google_cloud_sources(
    settings: MetricsCollectorSettings, store: DocumentStore
) -> Sources:
    # Imported here: the local profile never loads the Google clients.
    from google.cloud import bigquery, monitoring_v3, run_v2

    from metrics_collector.sources.bigquery_source import BigQueryInformationSchema
    from metrics_collector.sources.cloud_run_source import CloudRunAdminServices
    from metrics_collector.sources.firestore_size import FirestoreDatabaseSize
    from metrics_collector.sources.monitoring_source import CloudMonitoring

    project = settings.gcp_project
    timeout = float(settings.source_timeout_seconds)
    # google-cloud-monitoring has no REST transport; it speaks gRPC.
    monitoring = CloudMonitoring(monitoring_v3.MetricServiceClient(), project, timeout)
    return Sources(
        bigquery=BigQueryInformationSchema(
            bigquery.Client(project=project),
            project,
            settings.information_schema_region,
            timeout,
        ),
        cloud_run=CloudRunAdminServices(
            run_v2.ServicesClient(transport="rest"), project, settings.region, timeout
        ),
        monitoring=monitoring,
        database=FirestoreDatabaseSize(monitoring, settings.firestore_database),
        platform=PlatformCollections(store),
        history=StoredSnapshots(store),
    )
