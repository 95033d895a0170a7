/* Your Projects: the New Project dialog. The chapter itself is rendered by
 * the server; after a project is created the page fetches the chapter body
 * again (/fragments/projects) so the new card and counts appear, rendered
 * and escaped by the same template. What a user typed is only ever set as
 * text. */
const Projects = (function () {
  "use strict";

  let dialog;
  let form;

  function clearErrors() {
    for (const element of form.querySelectorAll("[data-error-for]")) element.textContent = "";
    for (const input of form.querySelectorAll(".field-input")) input.removeAttribute("aria-invalid");
    document.getElementById("newProjectError").textContent = "";
  }

  function showFieldErrors(fields) {
    let first = null;
    for (const [name, messages] of Object.entries(fields)) {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      const text = [].concat(messages).join(" ");
      if (!slot) {
        document.getElementById("newProjectError").textContent += `${name}: ${text} `;
        continue;
      }
      slot.textContent = text;
      const input = form.elements[name];
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    }
    if (first) first.focus();
  }

  async function refreshChapter(newId) {
    const response = await fetch("/fragments/projects", { headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(`/fragments/projects: status ${response.status}`);
    const html = await response.text();
    const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("projectsBody");
    document.getElementById("projectsBody").replaceWith(document.adoptNode(fresh));
    const card = document.querySelector(`[data-project-id="${CSS.escape(newId)}"]`);
    if (card) card.scrollIntoView({ block: "nearest" });
  }

  async function submit(event) {
    event.preventDefault();
    clearErrors();
    const button = document.getElementById("newProjectSubmit");
    button.disabled = true;
    try {
      const payload = { name: form.elements.name.value, description: form.elements.description.value };
      const { status, body } = await Api.post("/api/system/projects/", payload);
      if (status === 201 && body.success) {
        dialog.close();
        form.reset();
        await refreshChapter(body.data.id);
        return;
      }
      if (body.fields) {
        showFieldErrors(body.fields);
      } else {
        document.getElementById("newProjectError").textContent =
          `The project could not be created: ${body.error || `status ${status}`}`;
      }
    } catch (error) {
      console.error("New project:", error.message);
      document.getElementById("newProjectError").textContent =
        `The project could not be created: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  }

  function open(event) {
    // The header's button must not also open or close the chapter.
    event.stopPropagation();
    clearErrors();
    dialog.showModal();
    form.elements.name.focus();
  }

  function init() {
    dialog = document.getElementById("newProjectDialog");
    form = document.getElementById("newProjectForm");
    if (!dialog) return;

    // Delegated: the empty state's button is replaced with the chapter body.
    document.addEventListener("click", (event) => {
      const opener = event.target.closest("[data-open-new-project]");
      if (opener) open(event);
    });
    document.getElementById("newProjectCancel").addEventListener("click", () => dialog.close());
    form.addEventListener("submit", submit);
  }

  return { init };
})();
