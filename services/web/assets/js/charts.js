/* Drawing helpers shared by the dashboards: a chart is destroyed before it
 * is drawn again (no leaked canvases or listeners), and an empty dataset
 * shows "No data available" instead of an empty frame. */
const Charts = (function () {
  "use strict";

  const CATEGORY_COLORS = {
    Data: "#4285f4",
    Training: "#f59e0b",
    Inference: "#34a853",
    System: "#6b7280",
  };
  const CATEGORIES = Object.keys(CATEGORY_COLORS);

  if (window.Chart) {
    // Drawn once, at once: nothing to wait for in tests and screenshots.
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.font.family = "ui-sans-serif, system-ui, sans-serif";
    Chart.defaults.plugins.legend.labels.boxWidth = 12;
  }

  function hasValues(series) {
    return series.some((values) =>
      (values || []).some((value) => value !== null && value !== undefined),
    );
  }

  /* True when there is nothing to draw: no labels, or only null values. */
  function isEmpty(labels, ...series) {
    return !labels || labels.length === 0 || !hasValues(series);
  }

  /* Replace charts[key] on canvasId by a chart of config, or by the
   * "No data available" note when config is null. */
  function draw(charts, key, canvasId, config) {
    if (charts[key]) {
      charts[key].destroy();
      delete charts[key];
    }
    const canvas = document.getElementById(canvasId);
    const note = canvas.parentElement.querySelector(".chart-empty");

    if (config === null) {
      canvas.hidden = true;
      note.hidden = false;
      return null;
    }
    canvas.hidden = false;
    note.hidden = true;
    charts[key] = new Chart(canvas, config);
    return charts[key];
  }

  /* Decimal strings (money) as numbers for drawing only; labels and
   * tooltips format the API's own strings. */
  function numbers(values) {
    return (values || []).map((value) => (value === null ? null : Number(value)));
  }

  function eurAxis() {
    return { beginAtZero: true, ticks: { callback: (value) => Format.formatEUR(value) } };
  }

  function eurTooltip() {
    return {
      callbacks: {
        label: (item) => `${item.dataset.label}: ${Format.formatEUR(item.raw)}`,
      },
    };
  }

  return { CATEGORY_COLORS, CATEGORIES, isEmpty, draw, numbers, eurAxis, eurTooltip };
})();
