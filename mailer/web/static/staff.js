// Staff UI: live campaign progress and a confirmation before cancelling. No framework.
"use strict";

(function () {
  const POLL_MS = 3000;

  function update(box, data) {
    const set = (field, value) => {
      const el = box.querySelector(`[data-field="${field}"]`);
      if (el) el.textContent = String(value);
    };
    set("done", data.done);
    set("total", data.total);
    set("percent", data.percent);
    const bar = box.querySelector('[data-field="bar"]');
    if (bar) {
      bar.max = Math.max(1, data.total);
      bar.value = data.done;
    }
    for (const [name, n] of Object.entries(data.counts || {})) {
      const el = box.querySelector(`[data-count="${name}"]`);
      if (el) el.textContent = String(n);
    }
    document.querySelectorAll('#campaign-state h2 [data-field="state"]').forEach((el) => {
      el.textContent = data.state;
      el.className = `state state-${data.state}`;
    });
  }

  function poll(box) {
    const url = box.dataset.progressUrl;
    const tick = async () => {
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.ok) update(box, await response.json());
      } catch (_) {
        // offline for a moment: try again at the next tick
      }
      if (!document.hidden) setTimeout(tick, POLL_MS);
      else document.addEventListener("visibilitychange", tick, { once: true });
    };
    setTimeout(tick, POLL_MS);
  }

  // On a phone the navigation folds behind the Menu button (without script it stays open).
  document.documentElement.classList.add("js");
  function navigation() {
    const toggle = document.getElementById("nav-toggle");
    const nav = document.getElementById("staff-nav");
    if (!toggle || !nav) return;
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      document.getElementById("staff-header").classList.toggle("nav-open", open);
    });
  }

  // The audience builder: a choice rewrites the expression and counts again at once.
  function builder() {
    const use = document.getElementById("use-choices");
    if (!use) return;
    document.querySelectorAll("select[data-builder]").forEach((select) => {
      select.addEventListener("change", () => use.click());
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    navigation();
    builder();
    document.querySelectorAll("[data-progress-url]").forEach(poll);
    document.querySelectorAll("form[data-confirm]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    // Every handler is in place (tests wait for this before they choose or click).
    document.documentElement.dataset.ready = "yes";
  });
})();
