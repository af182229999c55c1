// The console's own behaviour beyond htmx: the lead simulator, clearing a
// reply box once its text is sent, keeping a conversation at its newest
// message, and showing a refused action's error. No build step, no framework.
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", (e) => {
    // A failed action leaves what the rep typed in place; a sent one
    // comes back as a fresh form.
    if (e.detail.successful && e.detail.xhr.status < 400) {
      const flash = document.getElementById("flash");
      if (flash) flash.innerHTML = "";
    }
  });

  // A conversation opens at its newest message and follows new ones: after
  // the rep's own action (the whole #conv comes back), and on a live
  // update (#live) unless the rep has scrolled up to read older ones.
  const page = document.scrollingElement || document.documentElement;
  const atNewest = () => page.scrollHeight - (page.scrollTop + window.innerHeight) < 80;
  const toNewest = () => window.scrollTo(0, page.scrollHeight);
  if (document.getElementById("conv")) {
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    toNewest();
    window.addEventListener("load", toNewest, { once: true });
  }
  const follow = new WeakMap();
  document.addEventListener("htmx:beforeSwap", (e) => {
    const id = e.detail.target && e.detail.target.id;
    // The server says what went wrong in #flash (HX-Retarget); htmx
    // leaves error answers unswapped unless told.
    if (id === "flash" && e.detail.xhr.status >= 400) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
    if (id === "conv" || id === "live" || id === "flash") follow.set(e.detail.xhr, id === "conv" || (id === "live" && atNewest()) ? "newest" : id);
  });
  document.addEventListener("htmx:afterSwap", (e) => {
    const what = follow.get(e.detail.xhr);
    if (what === "newest") toNewest();
    else if (what === "flash") document.getElementById("flash").scrollIntoView({ block: "nearest" });
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
