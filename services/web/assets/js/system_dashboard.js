/* System Details: the three KPI cards and the six resource charts, from
 * GET /api/system/kpis/ and GET /api/system/resource-charts/. */
const SystemDashboard = (function () {
  "use strict";

  // Chart instances, destroyed before they are drawn again.
  const charts = {};
  const PALETTE = {
    data: ["#4285f4", "#8ab4f8", "#c6dafc"],
    cloudRun: ["#34a853", "#81c995"],
    compute: ["#ea4335", "#f28b82"],
    failed: "#9aa0a6",
  };
  const VOLUME_MAX_GB = 100;
  const LATENCY_LIMITS_MS = { fast: 200, slow: 500, scale: 1000 };
  const KPI_IDS = [
    "kpiActiveEndpoints", "kpiRequests", "kpiTrainingRuns", "kpiSuccessRate",
    "kpiExperiments", "kpiEtlRuns", "kpiDataTables", "kpiDataVolume",
  ];

  function setText(id, text) {
    document.getElementById(id).textContent = text;
  }

  function setBar(id, percent, colorClass) {
    const bar = document.getElementById(id);
    bar.style.width = `${Math.max(0, Math.min(100, percent))}%`;
    bar.className = `kpi-progress-bar ${colorClass}`;
  }

  function showLatency(latencyMs) {
    const value = document.getElementById("kpiLatency");
    if (latencyMs === null || latencyMs === undefined) {
      value.textContent = "Not measured";
      value.classList.add("not-measured");
      setBar("kpiLatencyBar", 0, "bg-gray-300");
      setText("kpiLatencyStatus", "Latency is not measured yet");
      return;
    }
    value.classList.remove("not-measured");
    value.textContent = `${Format.count(latencyMs)} ms`;
    const color =
      latencyMs < LATENCY_LIMITS_MS.fast ? "bg-green-500"
        : latencyMs < LATENCY_LIMITS_MS.slow ? "bg-orange-500" : "bg-red-500";
    setBar("kpiLatencyBar", (latencyMs / LATENCY_LIMITS_MS.scale) * 100, color);
    setText("kpiLatencyStatus", latencyMs < LATENCY_LIMITS_MS.fast ? "Fast" : "Slow");
  }

  function showKPIs(data) {
    setText("kpiActiveEndpoints", Format.count(data.live_endpoints));
    setText("kpiRequests", Format.count(data.requests_30d));
    showLatency(data.avg_latency_ms);

    setText("kpiTrainingRuns", Format.count(data.training_runs_30d));
    setText("kpiExperiments", Format.count(data.experiments_30d));
    const rate = data.training_success_rate;
    setText("kpiSuccessRate", Format.percent(rate));
    if (rate === null || rate === undefined) {
      setBar("kpiSuccessBar", 0, "bg-gray-300");
      setText("kpiSuccessStatus", "No finished runs in the last 30 days");
    } else {
      setBar("kpiSuccessBar", rate, "bg-blue-500");
      setText("kpiSuccessStatus", `${Format.percent(rate)} of finished runs succeeded`);
    }

    setText("kpiEtlRuns", Format.count(data.etl_runs_24h));
    setText("kpiDataTables", Format.count(data.data_tables));
    setText("kpiDataVolume", `${Format.decimal(data.data_volume_gb, 2)} GB`);
    setBar("kpiVolumeBar", (Number(data.data_volume_gb) / VOLUME_MAX_GB) * 100, "bg-purple-500");
    setText(
      "kpiVolumeStatus",
      `${Format.decimal(data.data_volume_gb, 2)} of ${VOLUME_MAX_GB} GB used`,
    );
  }

  /* The spec's fallback: every KPI "0" when the API fails. */
  function showZeroKPIs() {
    for (const id of KPI_IDS) setText(id, "0");
    showLatency(null);
    setBar("kpiSuccessBar", 0, "bg-gray-300");
    setBar("kpiVolumeBar", 0, "bg-gray-300");
    setText("kpiSuccessStatus", "Not available: the API did not answer");
    setText("kpiVolumeStatus", "Not available: the API did not answer");
  }

  async function loadKPIs() {
    try {
      const body = await Api.get("/api/system/kpis/");
      showKPIs(body.data);
      Freshness.show("systemFreshness", "kpis", body.freshness);
    } catch (error) {
      console.error("System Details KPIs could not be loaded:", error.message);
      showZeroKPIs();
      Freshness.unavailable("systemFreshness", "kpis");
    }
  }

  function barDataset(label, data, color, extra = {}) {
    return { type: "bar", label, data, backgroundColor: color, ...extra };
  }

  function stackedBars(labels, datasets, yTitle) {
    return {
      type: "bar",
      data: { labels, datasets },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: !!yTitle, text: yTitle } },
        },
      },
    };
  }

  function renderCombinedStorageChart(data) {
    const d = data || {};
    if (Charts.isEmpty(d.labels, d.bigquery_gb, d.sql_gb, d.buckets_gb)) {
      Charts.draw(charts, "combinedStorage", "chartCombinedStorage", null);
      setText("storageEstimatedNote", "");
      return;
    }
    // Days a backfill estimated are drawn paler than measured days.
    const estimated = d.estimated || [];
    const shade = (color) => d.labels.map((_, i) => (estimated[i] ? `${color}55` : color));
    const [bq, sql, gcs] = PALETTE.data;
    Charts.draw(charts, "combinedStorage", "chartCombinedStorage", stackedBars(
      d.labels,
      [
        barDataset("BigQuery", d.bigquery_gb, shade(bq)),
        barDataset("Cloud SQL", d.sql_gb, shade(sql)),
        barDataset("GCS Buckets", d.buckets_gb, shade(gcs)),
      ],
      "GB",
    ));
    setText(
      "storageEstimatedNote",
      estimated.some(Boolean) ? "Paler bars: storage estimated by a backfill." : "",
    );
  }

  function renderBqJobsChart(data) {
    const d = data || {};
    if (Charts.isEmpty(d.labels, d.completed, d.failed, d.bytes_billed_gb)) {
      Charts.draw(charts, "bqJobs", "chartBqJobs", null);
      return;
    }
    Charts.draw(charts, "bqJobs", "chartBqJobs", {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          barDataset("Completed", d.completed, PALETTE.data[0], { stack: "jobs", yAxisID: "y" }),
          barDataset("Failed", d.failed, PALETTE.failed, { stack: "jobs", yAxisID: "y" }),
          {
            type: "line", label: "Bytes billed (GB)", data: d.bytes_billed_gb,
            borderColor: "#1a73e8", backgroundColor: "#1a73e8", yAxisID: "y1",
            pointRadius: 2, spanGaps: true,
          },
        ],
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "jobs" } },
          y1: {
            position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
            title: { display: true, text: "GB billed" },
          },
        },
      },
    });
  }

  function renderEtlHealthChart(data) {
    const d = data || {};
    if (Charts.isEmpty(d.labels, d.completed, d.failed)) {
      Charts.draw(charts, "etlHealth", "chartEtlHealth", null);
      return;
    }
    Charts.draw(charts, "etlHealth", "chartEtlHealth", stackedBars(d.labels, [
      barDataset("Completed", d.completed, PALETTE.cloudRun[0]),
      barDataset("Failed", d.failed, PALETTE.failed),
    ]));
  }

  function renderCloudRunRequestsChart(data) {
    const d = data || {};
    if (Charts.isEmpty(d.labels, d.requests)) {
      Charts.draw(charts, "cloudRunRequests", "chartCloudRunRequests", null);
      return;
    }
    Charts.draw(charts, "cloudRunRequests", "chartCloudRunRequests", {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [{
          label: "Requests", data: d.requests, borderColor: PALETTE.cloudRun[0],
          backgroundColor: "rgba(52, 168, 83, 0.18)", fill: true, pointRadius: 2,
        }],
      },
      options: { scales: { y: { beginAtZero: true } } },
    });
  }

  function renderGpuHoursChart(data, types) {
    const d = data || {};
    const summary = (types && types.types) || [];
    setText(
      "gpuTypesSummary",
      summary.map((t) => `${t.type}: ${Format.decimal(t.hours, 1)} h (${Format.count(t.count)})`)
        .join(" · "),
    );
    if (Charts.isEmpty(d.labels, d.hours)) {
      Charts.draw(charts, "gpuHours", "chartGpuHours", null);
      return;
    }
    Charts.draw(charts, "gpuHours", "chartGpuHours", stackedBars(
      d.labels,
      [barDataset("GPU hours", d.hours, PALETTE.compute[0])],
      "hours",
    ));
  }

  function renderGpuJobsChart(data) {
    const d = data || {};
    if (Charts.isEmpty(d.labels, d.completed, d.failed)) {
      Charts.draw(charts, "gpuJobs", "chartGpuJobs", null);
      return;
    }
    Charts.draw(charts, "gpuJobs", "chartGpuJobs", stackedBars(d.labels, [
      barDataset("Completed", d.completed, PALETTE.compute[0]),
      barDataset("Failed", d.failed, PALETTE.failed),
    ]));
  }

  function renderAll(data) {
    renderCombinedStorageChart(data.combined_storage);
    renderBqJobsChart(data.bq_jobs);
    renderEtlHealthChart(data.etl_health);
    renderCloudRunRequestsChart(data.cloud_run_requests);
    renderGpuHoursChart(data.gpu_hours, data.gpu_types);
    renderGpuJobsChart(data.gpu_hours);
  }

  async function loadCharts() {
    try {
      const body = await Api.get("/api/system/resource-charts/");
      renderAll(body.data);
      Freshness.show("systemFreshness", "charts", body.freshness);
    } catch (error) {
      console.error("System Details charts could not be loaded:", error.message);
      renderAll({});
      Freshness.unavailable("systemFreshness", "charts");
    }
  }

  return { loadKPIs, loadCharts, charts };
})();
