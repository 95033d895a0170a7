/* JSON reads of the page's APIs (forwarded by web to dashboard-api). A
 * failed read rejects with an Error that names the URL and the reason. */
const Api = (function () {
  "use strict";

  async function get(url) {
    let response;
    try {
      // No custom headers: the answer preloaded by the page's <link> is reused.
      response = await fetch(url);
    } catch (error) {
      throw new Error(`${url}: network error (${error.message})`);
    }

    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      throw new Error(`${url}: answered ${response.status} without JSON`);
    }
    if (!response.ok || !body || body.success !== true) {
      const reason = (body && body.error) || `status ${response.status}`;
      throw new Error(`${url}: ${reason}`);
    }
    return body;
  }

  async function post(url, payload) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload),
    });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = { success: false, error: `answered ${response.status} without JSON` };
    }
    return { status: response.status, body };
  }

  return { get, post };
})();
