"""BigQuery storage and jobs, read from the region's INFORMATION_SCHEMA.

Both figures come from one region's views (RECS_BIGQUERY_REGION, else
RECS_REGION): datasets in other regions are not counted, which the docs
say plainly. Queries go through the official client's jobs.query call.
"""

from __future__ import annotations

from datetime import datetime

from google.cloud import bigquery

from metrics_collector.sources.ports import JobCounts, TableStorage

# Logical bytes: what BigQuery bills under the default (logical) storage
# model, and what the console shows as the table size.
TABLE_STORAGE_SQL = """
SELECT
  table_schema,
  table_name,
  IFNULL(total_logical_bytes, 0) AS logical_bytes,
  IFNULL(total_rows, 0) AS row_count
FROM `{project}`.`region-{region}`.INFORMATION_SCHEMA.TABLE_STORAGE
WHERE NOT IFNULL(deleted, FALSE)
ORDER BY logical_bytes DESC, table_schema, table_name
"""

# A script runs as a parent job whose figures already sum those of its
# child jobs (statement_type SCRIPT); counting only top-level jobs counts
# each script once, with its children's bytes. Background jobs (job_type
# NULL) are BigQuery's own housekeeping and are left out. Jobs still
# running when the day is collected count on no day; the docs say so.
JOBS_SQL = """
SELECT
  COUNTIF(state = 'DONE' AND error_result IS NULL) AS completed,
  COUNTIF(state = 'DONE' AND error_result IS NOT NULL) AS failed,
  IFNULL(SUM(IF(state = 'DONE', total_bytes_billed, 0)), 0) AS bytes_billed
FROM `{project}`.`region-{region}`.INFORMATION_SCHEMA.JOBS_BY_PROJECT
WHERE creation_time >= @start
  AND creation_time < @end
  AND parent_job_id IS NULL
  AND job_type IS NOT NULL
"""


class BigQueryInformationSchema:
    def __init__(
        self,
        client: bigquery.Client,
        project: str,
        region: str,
        timeout_seconds: float = 60.0,
    ) -> None:
        self.client = client
        self.project = project
        self.region = region
        self.timeout_seconds = timeout_seconds

    def table_storage(self) -> list[TableStorage]:
        rows = self._query(TABLE_STORAGE_SQL)
        return [
            TableStorage(
                name=f"{row['table_schema']}.{row['table_name']}",
                logical_bytes=int(row["logical_bytes"]),
                rows=int(row["row_count"]),
            )
            for row in rows
        ]

    def jobs(self, start: datetime, end: datetime) -> JobCounts:
        config = bigquery.QueryJobConfig(
            query_parameters=[
                bigquery.ScalarQueryParameter("start", "TIMESTAMP", start),
                bigquery.ScalarQueryParameter("end", "TIMESTAMP", end),
            ]
        )
        rows = self._query(JOBS_SQL, config)
        row = rows[0] if rows else {}
        return JobCounts(
            completed=int(row.get("completed") or 0),
            failed=int(row.get("failed") or 0),
            bytes_billed=int(row.get("bytes_billed") or 0),
        )

    def _query(self, template: str, config: bigquery.QueryJobConfig | None = None):
        sql = template.format(project=self.project, region=self.region.lower())
        result = self.client.query_and_wait(
            sql,
            job_config=config,
            location=self.region,
            api_timeout=self.timeout_seconds,
            wait_timeout=self.timeout_seconds,
        )
        return [dict(row.items()) for row in result]
