// The approach editor (templates/staff/approach_editor.html.j2: tabs, the card preview, image
// upload, autosave) and the issue editor's "Add from library" drawer (_library_drawer.html.j2).
// Plain JavaScript; both pages work without it (every language shown, the kind's fields shown
// for the saved kind, the preview on its button, the drawer unfiltered, Save to save).
"use strict";

(function () {
  // ---- the approach editor -------------------------------------------------------------
  const form = document.getElementById("approach-editor");
  if (form) {
    document.documentElement.classList.add("js");
    const tabs = Array.from(form.querySelectorAll("#language-tabs .tab"));
    const select = (tab) => {
      for (const other of tabs) {
        const on = other === tab;
        other.setAttribute("aria-selected", on ? "true" : "false");
        other.tabIndex = on ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).classList.toggle("active", on);
      }
      const lang = document.getElementById("p-lang");
      if (lang && lang.value !== tab.dataset.lang) {
        lang.value = tab.dataset.lang;
        refresh();
      }
    };
    tabs.forEach((tab, n) => {
      tab.addEventListener("click", () => select(tab));
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        const next = tabs[(n + step + tabs.length) % tabs.length];
        next.focus();
        select(next);
      });
    });
    if (tabs.length) {
      tabs[0].setAttribute("aria-selected", "true");
      document.getElementById(tabs[0].getAttribute("aria-controls")).classList.add("active");
      // ?lang=ka (back from "Mark reviewed") opens that language's tab
      const wanted = new URLSearchParams(window.location.search).get("lang");
      const opened = tabs.find((t) => t.dataset.lang === wanted);
      if (opened) select(opened);
    }

    // a tab says whether its language has a title and a summary yet
    const mark = (block) => {
      const tab = document.getElementById(`tab-${block.dataset.lang}`);
      const filled = ["title", "summary"].every((key) =>
        block.querySelector(`[name$=".${key}"]`).value.trim(),
      );
      const sign = tab && tab.querySelector(".ok, .bad");
      if (!sign) return;
      sign.className = filled ? "ok" : "bad";
      sign.textContent = filled ? "✓" : "•";
    };
    form.querySelectorAll(".lang-block").forEach((block) =>
      block.addEventListener("input", () => mark(block)),
    );

    const kind = document.getElementById("a-kind");
    const showKind = () => {
      form.querySelectorAll(".kind-fields").forEach((box) => {
        box.hidden = !box.dataset.kind.split(" ").includes(kind.value);
      });
    };
    kind.addEventListener("change", showKind);
    showKind();

    // the card preview follows typing (the same form, posted into the sandboxed frame)
    const previewButton = document.getElementById("preview-button");
    let timer = null;
    function refresh() {
      clearTimeout(timer);
      timer = setTimeout(() => previewButton.click(), 400);
    }
    form.addEventListener("input", (event) => {
      if (event.target.type !== "file") refresh();
    });
    form.addEventListener("change", (event) => {
      if (event.target.tagName === "SELECT" && event.target.id === "p-lang") {
        const tab = tabs.find((t) => t.dataset.lang === event.target.value);
        if (tab) select(tab);
      }
      refresh();
    });
    document.querySelectorAll("input[name=preview_width]").forEach((radio) =>
      radio.addEventListener("change", () => {
        document.getElementById("preview-box").className = `width-${radio.value}`;
      }),
    );
    if (!document.getElementById("card-preview-frame").getAttribute("src")) refresh();

    // an image through the issue editor's image store
    const file = document.getElementById("a-image-file");
    const url = document.getElementById("a-image");
    const note = form.querySelector(".upload-status");
    file.addEventListener("change", async () => {
      if (!file.files[0]) return;
      const body = new FormData();
      body.append("csrf", form.elements.csrf.value);
      body.append("image", file.files[0]);
      note.textContent = "…";
      try {
        const response = await fetch("/staff/issues/images", { method: "POST", credentials: "same-origin", body });
        const answer = await response.json().catch(() => ({ error: String(response.status) }));
        if (response.ok) {
          url.value = answer.url;
          note.textContent = "✓";
          note.className = "upload-status hint";
          refresh();
        } else {
          note.textContent = answer.error;
          note.className = "upload-status hint bad";
        }
      } catch (_) {
        note.textContent = "✗";
      }
      file.value = "";
    });

    // autosave of a stored approach, three seconds after typing stops, one request at a
    // time; a colleague's save in between stops it (Save then shows both texts side by side)
    const strings = document.getElementById("approach-strings");
    if (strings) autosave(form, JSON.parse(strings.textContent));
    form.dataset.ready = "yes";
  }

  function autosave(form, words) {
    const AUTOSAVE_MS = 3000;
    const base = form.elements.base_revision;
    const status = document.getElementById("save-status");
    const say = (template, values) =>
      template.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : ""));
    let edits = 0;
    let savedEdits = 0;
    let saving = false;
    let again = false;
    let stopped = false;
    let leaving = false;
    let timer = null;
    const dirty = () => edits !== savedEdits;
    const show = (text, kind) => {
      status.textContent = text;
      status.className = kind;
    };
    function fields() {
      const data = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if (typeof value !== "string" || name.startsWith("preview_")) continue;
        data.append(name, value);
      }
      return data;
    }
    async function save() {
      clearTimeout(timer);
      if (stopped) return;
      if (saving) {
        again = true;
        return;
      }
      saving = true;
      const sent = edits;
      show(words.saving, "");
      try {
        const response = await fetch(form.getAttribute("action"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-Editor": "save", "Content-Type": "application/x-www-form-urlencoded" },
          body: fields(),
        });
        const answer = await response.json().catch(() => ({}));
        if (response.status === 412) {
          stopped = true;
          show(say(words.conflict, { author: answer.author, n: answer.current }), "bad");
        } else if (response.ok) {
          base.value = String(answer.revision);
          savedEdits = sent;
          if (dirty()) show(words.unsaved, "unsaved");
          else show(`${words.saved} ${answer.saved_at}`, "saved");
        } else {
          show(say(words.save_failed, { why: answer.error || response.status }), "bad");
        }
      } catch (_) {
        show(words.offline, "bad");
      } finally {
        saving = false;
        if (again && !stopped) {
          again = false;
          save();
        }
      }
    }
    const changed = (event) => {
      const name = event.target.name || "";
      if (!name || name.startsWith("preview_") || event.target.type === "file") return;
      edits += 1;
      if (stopped) return;
      show(words.unsaved, "unsaved");
      clearTimeout(timer);
      timer = setTimeout(save, AUTOSAVE_MS);
    };
    form.addEventListener("input", changed); // selects, boxes and radios send it too
    form.addEventListener("submit", (event) => {
      // the preview posts the form into its frame: the page stays
      if (!event.submitter || event.submitter.id !== "preview-button") leaving = true;
    });
    window.addEventListener("beforeunload", (event) => {
      if (dirty() && !leaving) {
        event.preventDefault();
        event.returnValue = words.leave;
      }
    });
  }

  // ---- the drawer in the issue editor ------------------------------------------------------
  const drawer = document.getElementById("library-drawer");
  if (drawer) {
    const rows = Array.from(drawer.querySelectorAll(".drawer-row"));
    const q = drawer.querySelector("#drawer-q");
    const complete = drawer.querySelector("#drawer-complete");
    const suggested = drawer.querySelector("#drawer-suggested");
    const count = drawer.querySelector("#drawer-count");
    const fold = (s) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    const apply = () => {
      const words = fold(q.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        const text = row.dataset.text;
        const ok =
          words.every((w) => text.includes(w)) &&
          (!complete.checked || row.dataset.complete === "1") &&
          (!suggested.checked || row.dataset.suggested === "1");
        row.hidden = !ok;
        if (ok) shown += 1;
      }
      count.textContent = count.dataset.template.replace("{n}", String(shown));
    };
    // typing here is not a change of the issue: keep it from the editor's autosave
    for (const type of ["input", "change"]) {
      drawer.querySelector(".drawer-filters").addEventListener(type, (event) => {
        event.stopPropagation();
        apply();
      });
    }
    q.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault(); // not a submit of the issue
    });
    const close = drawer.querySelector("#close-library");
    close.hidden = false;
    close.addEventListener("click", () => {
      drawer.open = false;
      drawer.querySelector("summary").focus();
    });
    drawer.addEventListener("toggle", () => {
      if (drawer.open) q.focus();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && drawer.open) drawer.open = false;
    });
    apply();
  }
})();
