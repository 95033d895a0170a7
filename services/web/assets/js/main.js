/* Start-up: chapters first, then every API read of the page at once (one
 * round of parallel requests, not a waterfall). When all have settled, the
 * page is marked ready (data-dashboard="ready" on <html>, and a performance
 * mark) for tests and the benchmark. */
document.addEventListener("DOMContentLoaded", () => {
  Chapters.init();
  Projects.init();

  const loads = [
    SystemDashboard.loadKPIs(),
    SystemDashboard.loadCharts(),
    BillingDashboard.loadSummary(),
    BillingDashboard.loadCharts(),
    BillingDashboard.loadInvoice(),
  ];
  Promise.allSettled(loads).then(() => {
    performance.mark("dashboard-ready");
    document.documentElement.dataset.dashboard = "ready";
  });
});
