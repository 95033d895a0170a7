/* Billing: the summary bar, four charts and the invoice preview, from
 * GET /api/system/billing/{summary,charts,invoice}/. Amounts arrive as
 * decimal strings in the display currency and are shown with formatEUR. */
const BillingDashboard = (function () {
  "use strict";

  // Chart instances, destroyed before they are drawn again.
  const charts = {};
  const MODEL_TYPE_COLORS = {
    retrieval: "#4285f4",
    ranking: "#34a853",
    multitask: "#ec4899",
  };
  const OTHER_MODEL_TYPE_COLOR = "#9ca3af";
  const PACE_COLORS = { green: "bg-green-500", orange: "bg-orange-500", red: "bg-red-500" };

  function setText(id, text) {
    document.getElementById(id).textContent = text;
  }

  function setBar(id, percent, colorClass) {
    const bar = document.getElementById(id);
    bar.style.width = `${Math.max(0, Math.min(100, Number(percent) || 0))}%`;
    bar.className = `thin-bar ${colorClass}`;
  }

  function showSummary(data) {
    setText("billingPeriod", data.period.label);
    setText("billingEstimated", Format.formatEUR(data.estimated_total));
    setText("billingSpent", Format.formatEUR(data.spent_to_date));
    setText("billingEstimateMethod", data.estimate_method ? `Estimate: ${data.estimate_method}.` : "");

    const badge = document.getElementById("billingLicense");
    const license = data.license;
    badge.textContent = license.discounted
      ? `License: -${license.discount_pct}%`
      : `License: ${Format.formatEUR(license.fee)}`;
    badge.classList.toggle("discounted", !!license.discounted);

    setBar("billingPeriodBar", data.period_elapsed_pct, "bg-green-500");
    setText("billingPeriodText", `${Format.percent(data.period_elapsed_pct)} of period elapsed`);

    const budget = data.budget;
    setBar("billingBudgetBar", budget.spent_pct, PACE_COLORS[budget.pace] || "bg-gray-300");
    setText(
      "billingBudgetText",
      `${Format.formatEUR(budget.spent)} of ${Format.formatEUR(budget.amount)} budget ` +
        `(${Format.percent(budget.spent_pct)})`,
    );
  }

  async function loadSummary() {
    try {
      const body = await Api.get("/api/system/billing/summary/");
      showSummary(body.data);
      Freshness.show("billingFreshness", "summary", body.freshness);
    } catch (error) {
      console.error("Billing summary could not be loaded:", error.message);
      for (const id of ["billingEstimated", "billingSpent"]) setText(id, "0");
      setText("billingPeriodText", "Not available: the API did not answer");
      setText("billingBudgetText", "Not available: the API did not answer");
      Freshness.unavailable("billingFreshness", "summary");
    }
  }

  function categoryDatasets(datasets) {
    return Charts.CATEGORIES.map((category) => ({
      label: category,
      data: Charts.numbers((datasets || {})[category]),
      backgroundColor: Charts.CATEGORY_COLORS[category],
    }));
  }

  function stackedEurBars(labels, datasets) {
    return {
      type: "bar",
      data: { labels, datasets },
      options: {
        scales: { x: { stacked: true }, y: { ...Charts.eurAxis(), stacked: true } },
        plugins: { tooltip: Charts.eurTooltip() },
      },
    };
  }

  function categoriesEmpty(block) {
    const d = block || {};
    return Charts.isEmpty(d.labels, ...Object.values(d.datasets || {}));
  }

  function renderDailySpendChart(data) {
    const config = categoriesEmpty(data)
      ? null : stackedEurBars(data.labels, categoryDatasets(data.datasets));
    Charts.draw(charts, "dailySpend", "chartDailySpend", config);
  }

  function renderMonthlyTrendChart(data) {
    const config = categoriesEmpty(data)
      ? null : stackedEurBars(data.labels, categoryDatasets(data.datasets));
    Charts.draw(charts, "monthlyTrend", "chartMonthlyTrend", config);
  }

  function renderCostBreakdownChart(data) {
    const d = data || {};
    const center = document.getElementById("billingDonutCenter");
    const values = Charts.numbers(d.values);
    // A donut of zeros draws nothing: an empty month has no breakdown.
    if (Charts.isEmpty(d.labels, d.values) || values.every((v) => !v)) {
      Charts.draw(charts, "costBreakdown", "chartCostBreakdown", null);
      center.hidden = true;
      return;
    }
    Charts.draw(charts, "costBreakdown", "chartCostBreakdown", {
      type: "doughnut",
      data: {
        labels: d.labels,
        datasets: [{
          label: "Cost",
          data: values,
          backgroundColor: d.labels.map((c) => Charts.CATEGORY_COLORS[c] || "#d1d5db"),
        }],
      },
      options: {
        cutout: "65%",
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: { label: (item) => `${item.label}: ${Format.formatEUR(d.values[item.dataIndex])}` },
          },
        },
      },
    });
    setText("billingDonutTotal", Format.formatEUR(d.total));
    center.hidden = false;
  }

  function renderCostPerTrainingChart(data) {
    const d = data || {};
    if (Charts.isEmpty(d.labels, d.values)) {
      Charts.draw(charts, "costPerTraining", "chartCostPerTraining", null);
      return;
    }
    const types = d.model_types || [];
    Charts.draw(charts, "costPerTraining", "chartCostPerTraining", {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [{
          label: "Cost",
          data: Charts.numbers(d.values),
          backgroundColor: d.labels.map(
            (_, i) => MODEL_TYPE_COLORS[types[i]] || OTHER_MODEL_TYPE_COLOR,
          ),
        }],
      },
      options: {
        scales: { y: Charts.eurAxis() },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const i = item.dataIndex;
                const when = (d.dates || [])[i] ? `, ${d.dates[i]}` : "";
                return `${types[i] || "unknown"}${when}: ${Format.formatEUR(d.values[i])}`;
              },
            },
          },
        },
      },
    });
  }

  function renderAll(data) {
    renderDailySpendChart(data.daily_spend);
    renderCostBreakdownChart(data.cost_breakdown);
    renderMonthlyTrendChart(data.monthly_trend);
    renderCostPerTrainingChart(data.cost_per_training);
  }

  async function loadCharts() {
    try {
      const body = await Api.get("/api/system/billing/charts/");
      renderAll(body.data);
      Freshness.show("billingFreshness", "charts", body.freshness);
    } catch (error) {
      console.error("Billing charts could not be loaded:", error.message);
      renderAll({});
      Freshness.unavailable("billingFreshness", "charts");
    }
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function row(className, label, costs, discount, total) {
    const tr = document.createElement("tr");
    tr.className = className;
    tr.append(cell(label), cell(costs, "num"), cell(discount, "num"), cell(total, "num"));
    return tr;
  }

  function toggleCategory(button, serviceRows) {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    for (const serviceRow of serviceRows) serviceRow.hidden = !open;
  }

  /* A category row (bold, a button that opens its service rows) and its
   * service rows, hidden until opened. */
  function categoryRows(category, index) {
    const head = row("bold category-row", "", Format.formatEUR(category.costs), "",
      Format.formatEUR(category.total));
    const services = (category.services || []).map((service) => {
      const serviceRow = row("service-row", service.label, Format.formatEUR(service.costs), "",
        Format.formatEUR(service.total));
      serviceRow.hidden = true;
      serviceRow.dataset.category = category.label;
      return serviceRow;
    });

    const button = document.createElement("button");
    button.type = "button";
    button.className = "invoice-toggle";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", services.map((_, i) => `invoice-${index}-${i}`).join(" "));
    services.forEach((serviceRow, i) => { serviceRow.id = `invoice-${index}-${i}`; });
    const chevron = document.createElement("i");
    chevron.className = "fas fa-chevron-right";
    chevron.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.textContent = category.label;
    button.append(chevron, label);
    button.addEventListener("click", () => toggleCategory(button, services));
    head.firstChild.appendChild(button);
    return [head, ...services];
  }

  function showInvoice(data) {
    const rows = [];
    data.rows.forEach((line, index) => {
      if (line.kind === "category") {
        rows.push(...categoryRows(line, index));
      } else {
        const discount = line.discount_pct ? `-${line.discount_pct}%` : "";
        rows.push(row("bold license-row", line.label, Format.formatEUR(line.costs), discount,
          Format.formatEUR(line.total)));
      }
    });
    const separator = document.createElement("tr");
    separator.className = "separator";
    separator.appendChild(cell("")).colSpan = 4;
    rows.push(
      separator,
      row("bold subtotal-row", "Subtotal", "", "", Format.formatEUR(data.subtotal)),
      row("bold grand-total-row", "Grand Total", "", "", Format.formatEUR(data.grand_total)),
      row("vat-row", "VAT", "", Format.percentAsGiven(data.vat_pct), Format.formatEUR(data.vat)),
      row("bold total-due-row", "Total Due", "", "", Format.formatEUR(data.total_due)),
    );
    document.getElementById("invoiceBody").replaceChildren(...rows);
  }

  function showInvoiceError(message) {
    const tr = document.createElement("tr");
    const td = cell(message, "text-gray-400");
    td.colSpan = 4;
    tr.appendChild(td);
    document.getElementById("invoiceBody").replaceChildren(tr);
  }

  async function loadInvoice() {
    try {
      const body = await Api.get("/api/system/billing/invoice/");
      showInvoice(body.data);
      Freshness.show("billingFreshness", "invoice", body.freshness);
    } catch (error) {
      console.error("Invoice preview could not be loaded:", error.message);
      showInvoiceError("Invoice preview not available: the API did not answer.");
      Freshness.unavailable("billingFreshness", "invoice");
    }
  }

  return { loadSummary, loadCharts, loadInvoice, formatEUR: Format.formatEUR, charts };
})();
