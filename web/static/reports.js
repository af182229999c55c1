// The reports page's charts, drawn with the vendored Chart.js from the
// report the page embeds in #report-data (the JSON of
// /api/v1/reports/summary, with the words for its handoff reasons). The
// figures and tables are in the page itself; this only draws. No build step.
(function () {
  "use strict";
  const el = document.getElementById("report-data");
  if (!el || typeof Chart === "undefined") return;
  const data = JSON.parse(el.textContent);
  const r = data.report;
  const colors = { blue: "#1f6feb", light: "#9ec5fe", green: "#067647", orange: "#b54708", grey: "#98a2b3" };
  const css = getComputedStyle(document.body);
  Chart.defaults.font.family = css.fontFamily;
  Chart.defaults.color = "#5d6779";
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.position = "bottom";
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.animation = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : Chart.defaults.animation;

  // wrap breaks a long label into lines, so a phone shows it whole.
  function wrap(label, width) {
    const lines = [];
    for (const word of String(label).split(" ")) {
      const last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= (width || 16)) lines[last] += " " + word;
      else lines.push(word);
    }
    return lines.length > 1 ? lines : label;
  }
  const sourceName = (s) => wrap(s || "(no source)");
  const reasonName = (k) => wrap(data.reasons[k] || k.replace(/_/g, " "));
  function duration(s) {
    if (s === null || s === undefined) return "–";
    if (s < 90) return Math.round(s) + " s";
    if (s < 5400) return (s / 60).toFixed(1) + " min";
    return (s / 3600).toFixed(1) + " h";
  }

  // bars draws a horizontal bar chart, one row per label, its box as tall
  // as the rows need so a phone shows every label.
  function bars(id, labels, datasets, options) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    const perRow = options.stacked ? 1 : datasets.length;
    const lines = labels.reduce((n, l) => n + Math.max(perRow, Array.isArray(l) ? l.length : 1), 0);
    canvas.parentElement.style.height = Math.max(150, 70 + lines * 22) + "px";
    const axis = { beginAtZero: true, stacked: !!options.stacked, ticks: { precision: 0 } };
    if (options.tick) axis.ticks = { callback: options.tick };
    new Chart(canvas, {
      type: "bar",
      data: { labels, datasets: datasets.map((d) => Object.assign({ borderRadius: 3, maxBarThickness: 22 }, d)) },
      options: {
        indexAxis: "y",
        responsive: true,
        scales: { x: axis, y: { stacked: !!options.stacked, ticks: { autoSkip: false } } },
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: options.tooltip ? { callbacks: { label: options.tooltip } } : {},
        },
      },
    });
  }

  const timed = r.by_source.filter((s) => s.speed_to_lead_seconds.of > 0);
  bars("chart-speed", timed.map((s) => sourceName(s.source)), [
    { label: "median", data: timed.map((s) => s.speed_to_lead_seconds.p50), backgroundColor: colors.blue },
    { label: "90th percentile", data: timed.map((s) => s.speed_to_lead_seconds.p90), backgroundColor: colors.light },
  ], {
    tick: (v) => duration(v),
    tooltip: (c) => c.dataset.label + ": " + duration(c.parsed.x),
  });

  const reasons = Object.keys(r.handoffs).sort((a, b) => r.handoffs[b] - r.handoffs[a] || a.localeCompare(b));
  bars("chart-reasons", reasons.map(reasonName), [
    { label: "handoffs", data: reasons.map((k) => r.handoffs[k]), backgroundColor: colors.orange },
  ], {});

  bars("chart-sources", r.by_source.map((s) => sourceName(s.source)), [
    { label: "AI texted first", data: r.by_source.map((s) => s.ai_first_response.count), backgroundColor: colors.blue },
    { label: "other leads", data: r.by_source.map((s) => s.leads - s.ai_first_response.count), backgroundColor: colors.grey },
  ], { stacked: true });

  bars("chart-reps", r.by_rep.map((p) => wrap(p.name)), [
    { label: "assigned", data: r.by_rep.map((p) => p.handoffs_assigned), backgroundColor: colors.light },
    { label: "claimed", data: r.by_rep.map((p) => p.handoffs_claimed), backgroundColor: colors.blue },
    { label: "booked", data: r.by_rep.map((p) => p.booked), backgroundColor: colors.green },
  ], {});
})();
