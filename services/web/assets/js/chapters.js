/* Collapsible chapters. The header's title is a button (keyboard: Enter or
 * Space); a click anywhere else on the header does the same, except on a
 * button of its own such as "+ New Project". Each browser remembers which
 * chapters are open (localStorage). */
const STORAGE_KEY = "recs.dashboard.chapters";

function readChapterState() {
  try {
    return JSON.parse(window.localStorage.getItem(STORAGE_KEY)) || {};
  } catch (error) {
    // Storage disabled or a value written by someone else: start afresh.
    return {};
  }
}

function setChapterOpen(container, open) {
  container.classList.toggle("open", open);
  const button = container.querySelector(".chapter-title-wrapper");
  if (button) button.setAttribute("aria-expanded", String(open));
}

function toggleChapter(header) {
  const container = header.closest(".chapter-container");
  const open = !container.classList.contains("open");
  setChapterOpen(container, open);

  const state = readChapterState();
  state[container.dataset.chapter] = open;
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch (error) {
    console.warn("The chapters' open state cannot be remembered:", error);
  }
}

const Chapters = (function () {
  "use strict";

  // Known shortcoming: the server renders every chapter open and the saved
  // state is applied once the deferred scripts run, so a chapter the user
  // closed shows open for a moment on a slow load.
  function init() {
    const state = readChapterState();
    for (const container of document.querySelectorAll(".chapter-container")) {
      const saved = state[container.dataset.chapter];
      if (typeof saved === "boolean") setChapterOpen(container, saved);

      const header = container.querySelector(".chapter-header");
      header.addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (button && !button.classList.contains("chapter-title-wrapper")) return;
        toggleChapter(header);
      });
    }
  }

  return { init };
})();
