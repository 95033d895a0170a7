/* The "when was this collected" lines of each chapter, from the freshness
 * object of each API response (docs/api.md). Several responses of a chapter
 * that share a source and a collection show one line. Mirrors
 * web_app/freshness.py, which renders the server-side chapter. */
const Freshness = (function () {
  "use strict";

  const SOURCES = {
    resource_metrics: "Resource metrics",
    billing: "Billing",
    platform: "Platform data",
  };
  const byChapter = {};

  function linesOf(freshness) {
    const source = SOURCES[freshness.source] || "Data";
    if (freshness.status === "none") return [{ text: `${source}: not collected yet.` }];

    let text = `${source}: collected ${Format.utcTime(freshness.collected_at)}`;
    if (freshness.snapshot_date) text += `, data up to ${freshness.snapshot_date}`;
    const lines = [{ text: text + "." }];

    const failed = freshness.failed_collectors || [];
    if ((freshness.status === "partial" || freshness.status === "error") && failed.length) {
      const kind = freshness.status === "partial" ? "Partial collection" : "Collection failed";
      const names = failed
        .map((item) => `${item.collector} failed${item.error ? ` (${item.error})` : ""}`)
        .join("; ");
      const css = freshness.status === "partial" ? "freshness-warning" : "freshness-failed";
      lines.push({ text: `${kind}: ${names}.`, css });
    }

    const provisional = freshness.provisional_days || [];
    if (provisional.length) {
      lines.push({ text: `Provisional (may still change): ${provisional.join(", ")}.` });
    }
    return lines;
  }

  function render(elementId) {
    const element = document.getElementById(elementId);
    if (!element) return;
    const seen = new Set();
    element.replaceChildren();
    for (const entry of Object.values(byChapter[elementId])) {
      for (const line of entry) {
        if (seen.has(line.text)) continue;
        seen.add(line.text);
        const div = document.createElement("div");
        div.className = `freshness-line ${line.css || ""}`.trim();
        div.textContent = line.text;
        element.appendChild(div);
      }
    }
  }

  /* Record what one response (key) of a chapter says, then redraw it. */
  function show(elementId, key, freshness) {
    byChapter[elementId] = byChapter[elementId] || {};
    byChapter[elementId][key] = freshness
      ? linesOf(freshness)
      : [{ text: "Collection time unknown: the API gave no freshness." }];
    render(elementId);
  }

  function unavailable(elementId, key) {
    byChapter[elementId] = byChapter[elementId] || {};
    byChapter[elementId][key] = [
      { text: "Some data could not be loaded: the API did not answer.", css: "freshness-failed" },
    ];
    render(elementId);
  }

  return { show, unavailable };
})();
