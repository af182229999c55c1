// The console's small amount of behaviour: refresh the conversation list,
// and drive the lead simulator. No build step, no framework.
(function () {
  "use strict";
  const list = document.getElementById("conversations");
  async function refreshList() {
    try {
      const r = await fetch(list.dataset.refresh, { credentials: "same-origin" });
      if (r.ok) list.innerHTML = await r.text();
    } catch (_) { /* offline for a moment: try again next tick */ }
  }
  if (list) setInterval(refreshList, 3000);

  const form = document.getElementById("sim-form");
  if (!form) return;
  const from = document.getElementById("sim-from");
  const body = document.getElementById("sim-body");
  const thread = document.getElementById("thread");
  const errorBox = document.getElementById("sim-error");
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
    } catch (_) {}
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
      const r = await fetch("/console/simulate", { method: "POST", credentials: "same-origin", body: new URLSearchParams({ from: from.value, body: body.value }) });
      if (r.ok) { body.value = ""; refreshThread(); refreshList(); }
      else { errorBox.textContent = (await r.json()).error || "could not send"; }
    } catch (err) { errorBox.textContent = String(err); }
    finally { button.disabled = false; body.focus(); }
  });
})();
