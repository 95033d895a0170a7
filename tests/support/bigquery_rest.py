"""A loopback stand-in for the BigQuery REST API, in real response shapes.

It answers the three calls google-cloud-bigquery makes for
``Client.query_and_wait``: ``jobs.query`` (POST .../queries) with the first
page, ``jobs.get`` (GET .../jobs/ID) when more pages follow, and
``jobs.getQueryResults`` (GET .../queries/ID?pageToken=...) for each next
page. Row values are encoded as the API sends them (``{"f": [{"v": ...}]}``,
every scalar a string, TIMESTAMP as int64 microseconds when the client asks
for it). Every request is recorded for assertions; an error body can be set
to answer the next query with, shaped like BigQuery's error responses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, jsonify, request

# The billing query's result columns, as BigQuery types them.
RESULT_SCHEMA = {
    "fields": [
        {"name": name, "type": kind, "mode": "NULLABLE"}
        for name, kind in (
            ("service_name", "STRING"),
            ("resource_name", "STRING"),
            ("sku_description", "STRING"),
            ("training_run_id", "STRING"),
            ("model_type", "STRING"),
            ("cost_type", "STRING"),
            ("net_cost", "NUMERIC"),
            ("export_time_max", "TIMESTAMP"),
            ("export_rows", "INTEGER"),
        )
    ]
}


def encode_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        # useInt64Timestamp: microseconds since the epoch, as a string.
        delta = value.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
        return str(delta // _MICROSECOND)
    return str(value)


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1) - datetime(1970, 1, 1)


class FakeBigQuery:
    def __init__(self, project: str = "recs-platform", location: str = "EU") -> None:
        self.project = project
        self.location = location
        self.rows: list[tuple[Any, ...]] = []
        self.page_size = 2
        self.requests: list[dict[str, Any]] = []
        self.error: tuple[int, dict[str, Any]] | None = None
        self.good_queries_left: int | None = None
        self.app = self._build()

    def query_bodies(self) -> list[dict[str, Any]]:
        return [r["json"] for r in self.requests if r["path"].endswith("/queries")]

    def fail_with(
        self, status: int, reason: str, message: str, *, after: int = 0
    ) -> None:
        """Answer queries with this error (after ``after`` good ones)."""
        self.good_queries_left = after
        self.error = (
            status,
            {
                "error": {
                    "code": status,
                    "message": message,
                    "errors": [
                        {"message": message, "domain": "global", "reason": reason}
                    ],
                    "status": "INVALID_ARGUMENT" if status == 400 else "",
                }
            },
        )

    def _page(self, start: int) -> dict[str, Any]:
        end = start + self.page_size
        page = {
            "schema": RESULT_SCHEMA,
            "jobReference": self._job_reference(),
            "totalRows": str(len(self.rows)),
            "rows": [
                {"f": [{"v": encode_value(value)} for value in row]}
                for row in self.rows[start:end]
            ],
            "jobComplete": True,
        }
        if end < len(self.rows):
            page["pageToken"] = str(end)
        return page

    def _job_reference(self) -> dict[str, str]:
        return {
            "projectId": self.project,
            "jobId": "job_billing_1",
            "location": self.location,
        }

    def _build(self) -> Flask:
        app = Flask("fake-bigquery")
        base = "/bigquery/v2/projects/<project>"

        @app.before_request
        def record():
            self.requests.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "args": request.args.to_dict(),
                    "json": request.get_json(silent=True),
                }
            )

        @app.post(f"{base}/queries")
        def jobs_query(project):
            if self.error and self.good_queries_left == 0:
                status, body = self.error
                return jsonify(body), status
            if self.good_queries_left:
                self.good_queries_left -= 1
            return jsonify(
                {
                    "kind": "bigquery#queryResponse",
                    **self._page(0),
                    "totalBytesProcessed": "52428800",
                    "cacheHit": False,
                    "queryId": "query_billing_1",
                }
            )

        @app.get(f"{base}/jobs/<job_id>")
        def jobs_get(project, job_id):
            return jsonify(
                {
                    "kind": "bigquery#job",
                    "id": f"{project}:{self.location}.{job_id}",
                    "jobReference": self._job_reference(),
                    "configuration": {
                        "jobType": "QUERY",
                        "query": {"query": "...", "useLegacySql": False},
                    },
                    "status": {"state": "DONE"},
                    "statistics": {
                        "creationTime": "1764720000000",
                        "startTime": "1764720000100",
                        "endTime": "1764720001200",
                        "query": {
                            "totalBytesProcessed": "52428800",
                            "totalBytesBilled": "52428800",
                            "statementType": "SELECT",
                        },
                    },
                }
            )

        @app.get(f"{base}/queries/<job_id>")
        def get_query_results(project, job_id):
            start = int(request.args.get("pageToken", "0"))
            return jsonify(
                {"kind": "bigquery#getQueryResultsResponse", **self._page(start)}
            )

        return app
