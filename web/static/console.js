// The console's own behaviour beyond htmx: the lead simulator, and
// clearing a reply box once its text is sent. No build step, no framework.
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", (e) => {
    // A failed action leaves what the rep typed in place; a sent one
    // comes back as a fresh form.
    if (e.detail.successful) {
      const flash = document.getElementById("flash");
      if (flash) flash.innerHTML = "";
    }
  });

  const form = document.getElementById("sim-form");
  if (!form) return;
  const from = document.getElementById("sim-from");
  const body = document.getElementById("sim-body");
  const thread = document.getElementById("thread");
  const errorBox = document.getElementById("sim-error");
  const csrf = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRF-Token": "([^"]*)"/);
  let last = "";
  async function refreshThread() {
    try {
      const r = await fetch("/console/thread?phone=" + encodeURIComponent(from.value), { credentials: "same-origin" });
      if (!r.ok) return;
      const html = await r.text();
      if (html !== last) {
        last = html;
        thread.innerHTML = html;
        thread.scrollTop = thread.scrollHeight;
      }
    } catch (_) { /* offline for a moment: try again next tick */ }
  }
  setInterval(refreshThread, 1000);
  refreshThread();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!body.value.trim()) return;
    errorBox.textContent = "";
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const r = await fetch("/console/simulate", {
        method: "POST", credentials: "same-origin",
        headers: csrf ? { "X-CSRF-Token": csrf[1] } : {},
        body: new URLSearchParams({ from: from.value, body: body.value }),
      });
      if (r.ok) { body.value = ""; refreshThread(); }
      else { errorBox.textContent = (await r.json()).error || "could not send"; }
    } catch (err) { errorBox.textContent = String(err); }
    finally { button.disabled = false; body.focus(); }
  });
})();
