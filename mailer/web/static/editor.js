// The issue editor (templates/staff/editor.html.j2): autosave, conflict panel, a draft kept
// in this browser until it is saved, live lint and preview, language tabs, item cards, a
// Markdown toolbar and image uploads. Plain JavaScript, no framework: the page works without
// it as a normal form (mailer/web/staff/editor.py).
"use strict";

(function () {
  const AUTOSAVE_MS = 3000; // after typing stops
  const LIVE_MS = 500; // lint and preview
  const SEARCH_MS = 250;

  const form = document.getElementById("editor");
  if (!form) return;
  document.documentElement.classList.add("js");
  const words = JSON.parse(document.getElementById("editor-strings").textContent);
  const slug = form.dataset.slug;
  const action = form.getAttribute("action");
  const storageKey = `mailer-editor:${slug}`;
  const base = document.getElementById("base-revision");
  const status = document.getElementById("save-status");
  const say = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : ""));

  // ---- what the form holds -------------------------------------------------------------
  function fields(includePreview) {
    const data = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== "string" || name === "action") continue;
      if (!includePreview && name.startsWith("preview_")) continue;
      data.append(name, value);
    }
    return data;
  }
  const isPreviewControl = (el) => el.name && el.name.startsWith("preview_");

  // ---- saving ----------------------------------------------------------------------------
  let edits = 0; // changes made in the page
  let savedEdits = 0; // how many of them the server has
  let saving = false;
  let again = false;
  let conflictOpen = false;
  let leaving = false;
  let timer = null;
  const dirty = () => edits !== savedEdits;

  function keepDraft() {
    try {
      const entry = { base: base.value, data: fields(false).toString(), at: Date.now() };
      localStorage.setItem(storageKey, JSON.stringify(entry));
    } catch (_) {
      // storage full or off: autosave still runs
    }
  }
  function dropDraft() {
    try {
      localStorage.removeItem(storageKey);
    } catch (_) {
      // nothing kept
    }
  }

  function changed() {
    edits += 1;
    status.textContent = words.unsaved;
    status.className = "unsaved";
    keepDraft();
    clearTimeout(timer);
    if (!conflictOpen) timer = setTimeout(save, AUTOSAVE_MS);
    live();
  }

  async function save() {
    clearTimeout(timer);
    if (conflictOpen) return;
    if (saving) {
      again = true; // one request at a time: the newest text goes next
      return;
    }
    saving = true;
    const sent = edits;
    status.textContent = words.saving;
    try {
      const response = await fetch(action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-Editor": "save", "Content-Type": "application/x-www-form-urlencoded" },
        body: fields(false),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.status === 412) {
        showConflict(answer);
      } else if (response.ok) {
        base.value = String(answer.revision);
        form.dataset.revision = String(answer.revision);
        savedEdits = sent;
        if (!dirty()) dropDraft();
        else keepDraft();
        status.textContent = dirty() ? words.unsaved : `${words.saved} ${answer.saved_at}`;
        status.className = dirty() ? "unsaved" : "saved";
        const state = document.getElementById("issue-state");
        if (state && answer.state) {
          state.textContent = answer.state;
          state.className = `state state-${answer.state}`;
        }
        applyCheck(answer);
        if (!dirty() && languagesChanged()) {
          leaving = true; // saved: draw the tabs and cards of the new languages
          window.location.reload();
        }
      } else {
        status.textContent = say(words.save_failed, { why: answer.error || response.status });
        status.className = "bad";
      }
    } catch (_) {
      status.textContent = words.offline;
      status.className = "bad";
    } finally {
      saving = false;
      if (again && !conflictOpen) {
        again = false;
        save();
      }
    }
  }

  function languagesChanged() {
    const typed = document.getElementById("f-languages").value.split(/[\s,;]+/).filter(Boolean);
    const shown = Array.from(document.querySelectorAll('#language-tabs [role="tab"]'), (tab) => tab.dataset.lang);
    return typed.join(",") !== shown.join(",");
  }

  // ---- the conflict panel ------------------------------------------------------------------
  const LABELS = { title: "item_title", summary: "item_summary", image_alt: "item_alt", link: "item_link", image: "item_image" };
  function fieldLabel(key) {
    // lint's "items[2] (clubs).content.ka.title" → "clubs: Title (ka)" (as editor.py field_label)
    const match = /^(?:items\[\d+\] \(([^)]*)\)\.)?(?:content\.([\w-]+)\.)?(\w+)$/.exec(key);
    if (!match) return key;
    const [, item, language, name] = match;
    let label = words[LABELS[name] || name] || name;
    if (language) label = `${label} (${language})`;
    return item !== undefined ? `${item}: ${label}` : label;
  }
  const panel = document.getElementById("conflict");
  function showConflict(answer) {
    conflictOpen = true;
    clearTimeout(timer);
    panel.hidden = false;
    panel.dataset.current = String(answer.current);
    document.getElementById("conflict-text").textContent = say(words.conflict_text_js, {
      author: answer.author,
      n: answer.current,
      when: answer.saved_at,
    });
    const rows = document.getElementById("conflict-rows");
    rows.replaceChildren();
    for (const change of answer.changes || []) {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = fieldLabel(change.field);
      th.title = change.field;
      const yours = document.createElement("td");
      yours.className = "yours";
      yours.textContent = change.yours ?? "—";
      const theirs = document.createElement("td");
      theirs.className = "theirs";
      theirs.textContent = change.theirs ?? "—";
      tr.append(th, yours, theirs);
      rows.append(tr);
    }
    status.textContent = words.conflict_title;
    status.className = "bad";
    panel.scrollIntoView({ block: "start" });
    panel.querySelector("#keep-mine").focus();
  }
  const keepMine = panel.querySelector("#keep-mine");
  if (keepMine && keepMine.type === "button") {
    keepMine.addEventListener("click", () => {
      base.value = panel.dataset.current;
      conflictOpen = false;
      panel.hidden = true;
      keepDraft();
      save();
    });
  }
  panel.querySelector("#take-theirs").addEventListener("click", () => {
    dropDraft();
    edits = savedEdits;
  });

  window.addEventListener("beforeunload", (event) => {
    if (leaving || !(dirty() || saving)) return;
    event.preventDefault();
    event.returnValue = words.leave;
  });

  // ---- live lint and preview ---------------------------------------------------------------
  let liveTimer = null;
  let checking = false;
  let checkAgain = false;
  function live() {
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => {
      refreshPreview();
      check();
    }, LIVE_MS);
  }

  function refreshPreview() {
    const was = { action: form.getAttribute("action"), target: form.getAttribute("target") };
    form.setAttribute("action", `${action}/preview`);
    form.setAttribute("target", "preview-frame");
    HTMLFormElement.prototype.submit.call(form);
    form.setAttribute("action", was.action);
    if (was.target === null) form.removeAttribute("target");
    else form.setAttribute("target", was.target);
  }

  async function check() {
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    try {
      const response = await fetch(`${action}/check`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: fields(true),
      });
      if (response.ok) applyCheck(await response.json());
    } catch (_) {
      // the next change checks again
    } finally {
      checking = false;
      if (checkAgain) {
        checkAgain = false;
        check();
      }
    }
  }

  const cards = () => Array.from(document.querySelectorAll("#item-cards .item-card"));

  function listIn(field) {
    if (!field) return null;
    let list = field.querySelector(":scope > .field-problems");
    if (!list) {
      list = document.createElement("ul");
      list.className = "field-problems";
      field.append(list);
    }
    return list;
  }

  function placeFor(key) {
    // lint's "items[2] (clubs).content.ka.title" → beside that field of the 3rd card
    const item = /^items\[(\d+)\](?: \([^)]*\))?\.(.*)$/.exec(key);
    if (item) {
      const card = cards()[Number(item[1])];
      return card ? listIn(card.querySelector(`.field[data-key="${CSS.escape(item[2])}"]`)) : null;
    }
    const wanted = `.field[data-key="${CSS.escape(key)}"]`;
    return listIn(document.querySelector(`#settings ${wanted}, #texts ${wanted}`));
  }

  function applyCheck(answer) {
    if (!answer || !Array.isArray(answer.problems)) return;
    document.querySelectorAll(".field-problems").forEach((list) => list.replaceChildren());
    const other = document.getElementById("other-problems");
    for (const problem of answer.problems) {
      const li = document.createElement("li");
      li.className = problem.severity;
      const place = placeFor(problem.key);
      if (place) {
        li.textContent = problem.message;
        place.append(li);
      } else {
        const code = document.createElement("code");
        code.textContent = problem.key;
        li.append(code, ` ${problem.message}`);
        other.append(li);
      }
    }
    for (const [language, lacks] of Object.entries(answer.missing || {})) {
      const mark = document.querySelector(`[data-mark="${CSS.escape(language)}"]`);
      if (!mark) continue;
      const span = document.createElement("span");
      span.className = lacks.length ? "bad" : "ok";
      span.textContent = lacks.length ? String(lacks.length) : "✓";
      span.title = lacks.length ? say(words.missing_n, { n: lacks.length }) : words.complete;
      mark.replaceChildren(span);
    }
    const submit = document.getElementById("submit-review");
    submit.disabled = answer.errors > 0;
    document.getElementById("error-count").textContent =
      answer.errors > 0 ? say(words.errors_block, { n: answer.errors }) : "";
    const audience = document.getElementById("audience");
    if (answer.audience !== null && answer.audience !== undefined) {
      audience.textContent = say(words.audience, { n: answer.audience });
      audience.className = "hint";
    } else if ("audience_error" in answer) {
      audience.textContent = answer.audience_error;
      audience.className = "hint bad";
    }
    if ("preview" in answer) showPreviewFigures(answer.preview, answer.preview_error);
  }

  function showPreviewFigures(preview, why) {
    const meta = document.getElementById("preview-meta");
    const size = document.getElementById("preview-size");
    if (!preview) {
      meta.textContent = say(words.preview_unavailable, { why });
      size.textContent = "";
      return;
    }
    meta.textContent = preview.who
      ? say(words.preview_as, { who: preview.who, variant: preview.variant })
      : say(words.preview_language_all, { language: preview.language });
    const kb = (preview.html_bytes / 1024).toFixed(1);
    const over = preview.html_bytes > preview.budget;
    size.textContent = say(over ? words.size_over : words.size, { kb });
    size.className = over ? "hint bad" : "hint";
  }

  // ---- preview controls --------------------------------------------------------------------
  const box = document.getElementById("preview-box");
  form.querySelectorAll('input[name="preview_width"]').forEach((radio) =>
    radio.addEventListener("change", () => {
      box.className = `width-${radio.value}`;
    }),
  );
  const emailInput = document.getElementById("p-email");
  let searchTimer = null;
  emailInput.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
      const q = emailInput.value.trim();
      if (q.length < 2) return;
      const response = await fetch(`${action}/people?q=${encodeURIComponent(q)}`, {
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const list = document.getElementById("people");
      list.replaceChildren();
      for (const person of await response.json()) {
        const option = document.createElement("option");
        option.value = person.email;
        option.label = [person.country, person.language].filter(Boolean).join(" · ");
        list.append(option);
      }
    }, SEARCH_MS);
  });

  // ---- language tabs -----------------------------------------------------------------------
  const tabs = Array.from(document.querySelectorAll('#language-tabs [role="tab"]'));
  function selectTab(tab, focus) {
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
    }
    form.dataset.lang = tab.dataset.lang;
    document.querySelectorAll(".lang-block").forEach((block) => {
      block.classList.toggle("active", block.dataset.lang === tab.dataset.lang);
    });
    if (focus) tab.focus();
    const chooser = document.getElementById("p-lang");
    if (chooser.value !== tab.dataset.lang) {
      chooser.value = tab.dataset.lang;
      live();
    }
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => selectTab(tab, false));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (event.key === "Home") selectTab(tabs[0], true);
      else if (event.key === "End") selectTab(tabs[tabs.length - 1], true);
      else if (step) selectTab(tabs[(index + step + tabs.length) % tabs.length], true);
      else return;
      event.preventDefault();
    });
  });
  // ?lang=ka (back from "mark reviewed") opens that language's tab
  const asked = new URLSearchParams(window.location.search).get("lang");
  if (tabs.length) selectTab(tabs.find((tab) => tab.dataset.lang === asked) || tabs[0], false);

  // ---- item cards --------------------------------------------------------------------------
  let nextCard = Math.max(-1, ...cards().map((card) => Number(card.dataset.card))) + 1;
  function renumber(card, from, to) {
    const swap = (text) =>
      text
        .replaceAll(`items.${from}.`, `items.${to}.`)
        .replaceAll(`f-${from}-`, `f-${to}-`)
        .replaceAll(`items[${from}]`, `items[${to}]`)
        .replaceAll(`:${from}`, `:${to}`);
    card.dataset.card = String(to);
    card.querySelectorAll("*").forEach((el) => {
      for (const name of ["name", "id", "for", "data-for", "value"]) {
        const value = el.getAttribute(name);
        if (value === null) continue;
        if (name === "value" && el.tagName !== "BUTTON") continue;
        el.setAttribute(name, swap(value));
      }
    });
  }
  function newCard() {
    const template = document.getElementById("item-template");
    const card = template.content.firstElementChild.cloneNode(true);
    renumber(card, "__CARD__", nextCard);
    nextCard += 1;
    return card;
  }
  function cardAction(button) {
    const card = button.closest(".item-card");
    const list = document.getElementById("item-cards");
    const act = button.dataset.act;
    if (act === "up" && card.previousElementSibling) list.insertBefore(card, card.previousElementSibling);
    else if (act === "down" && card.nextElementSibling) list.insertBefore(card.nextElementSibling, card);
    else if (act === "remove") {
      if (!window.confirm(words.remove_confirm)) return;
      const next = card.nextElementSibling || card.previousElementSibling;
      card.remove();
      if (next) next.querySelector("input").focus();
    } else if (act === "dup") {
      const copy = card.cloneNode(true);
      renumber(copy, card.dataset.card, nextCard);
      nextCard += 1;
      const id = copy.querySelector('input[name$=".id"]');
      id.value = `${id.value || "item"}-copy`;
      card.after(copy);
      wireCard(copy);
      id.focus();
    } else return;
    if (act === "up" || act === "down") button.focus();
    changed();
  }
  function wireCard(card) {
    card.querySelectorAll("[data-act]").forEach((button) =>
      button.addEventListener("click", (event) => {
        event.preventDefault();
        cardAction(button);
      }),
    );
    card.querySelectorAll(".lang-block").forEach((block) => {
      block.classList.toggle("active", block.dataset.lang === form.dataset.lang);
    });
    wireUpload(card);
  }
  cards().forEach(wireCard);
  document.getElementById("add-item").addEventListener("click", (event) => {
    event.preventDefault();
    const card = newCard();
    document.getElementById("item-cards").append(card);
    wireCard(card);
    card.querySelector("input").focus();
    changed();
  });

  // ---- images ------------------------------------------------------------------------------
  function wireUpload(card) {
    const button = card.querySelector(".upload-button");
    const input = card.querySelector(".image-upload");
    const note = card.querySelector(".upload-status");
    const url = card.querySelector('input[name$=".image"]');
    if (!button || !input || form.dataset.uploads !== "on") return;
    button.hidden = false;
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      note.textContent = words.uploading;
      note.className = "upload-status hint";
      const body = new FormData();
      body.append("csrf", form.elements.csrf.value);
      body.append("image", file);
      try {
        const response = await fetch("/staff/issues/images", {
          method: "POST",
          credentials: "same-origin",
          body,
        });
        const answer = await response.json().catch(() => ({ error: String(response.status) }));
        if (response.ok) {
          url.value = answer.url;
          note.textContent = words.uploaded;
          changed();
        } else {
          note.textContent = answer.error;
          note.className = "upload-status hint bad";
        }
      } catch (_) {
        note.textContent = words.offline;
        note.className = "upload-status hint bad";
      }
      input.value = "";
    });
  }

  // ---- Markdown toolbar ----------------------------------------------------------------------
  function wrap(area, kind) {
    const { selectionStart: start, selectionEnd: end, value } = area;
    const picked = value.slice(start, end);
    let text = picked;
    if (kind === "bold") text = `**${picked || words.bold}**`;
    else if (kind === "italic") text = `*${picked || words.italic}*`;
    else if (kind === "list") text = (picked || words.list).split("\n").map((l) => `- ${l}`).join("\n");
    else if (kind === "link") {
      const href = window.prompt(words.link_prompt, "https://");
      if (!href) return;
      text = `[${picked || href}](${href})`;
    }
    area.setRangeText(text, start, end, "select");
    area.focus();
    changed();
  }
  document.querySelectorAll(".md-toolbar").forEach((bar) => {
    bar.hidden = false;
    const area = document.getElementById(bar.getAttribute("aria-controls"));
    bar.querySelectorAll("[data-md]").forEach((button) =>
      button.addEventListener("click", () => wrap(area, button.dataset.md)),
    );
    area.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      const kind = { b: "bold", i: "italic", k: "link" }[event.key.toLowerCase()];
      if (!kind) return;
      event.preventDefault();
      wrap(area, kind);
    });
  });

  // ---- typing, submitting, leaving -----------------------------------------------------------
  form.addEventListener("input", (event) => {
    if (event.target.classList.contains("image-upload")) return;
    if (isPreviewControl(event.target)) live();
    else changed();
  });
  form.addEventListener("change", (event) => {
    if (event.target.type === "checkbox" || event.target.tagName === "SELECT") {
      if (isPreviewControl(event.target)) live();
      else if (event.target.type === "checkbox" || event.target.name === "template") changed();
    }
  });
  form.addEventListener("submit", (event) => {
    const by = event.submitter;
    if (by && by.id === "save") {
      event.preventDefault();
      save();
    } else if (by && by.id === "preview-button") {
      event.preventDefault();
      refreshPreview();
      check();
    } else {
      leaving = true; // submit for review, or save over theirs: the page moves on
      dropDraft();
    }
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    }
  });

  // ---- a draft this browser kept (typed, then reloaded before it was saved) ----------------
  function restore() {
    let entry = null;
    try {
      entry = JSON.parse(localStorage.getItem(storageKey) || "null");
    } catch (_) {
      entry = null;
    }
    if (!entry || !entry.data || entry.data === fields(false).toString()) return false;
    const data = new URLSearchParams(entry.data);
    const order = [];
    for (const name of data.keys()) {
      const match = /^items\.(\d+)\./.exec(name);
      if (match && !order.includes(match[1])) order.push(match[1]);
    }
    const list = document.getElementById("item-cards");
    const byNumber = new Map(cards().map((card) => [card.dataset.card, card]));
    for (const number of order) {
      let card = byNumber.get(number);
      if (!card) {
        card = newCard();
        renumber(card, card.dataset.card, number);
        nextCard = Math.max(nextCard, Number(number) + 1);
        wireCard(card);
      }
      list.append(card);
    }
    for (const [number, card] of byNumber) if (!order.includes(number)) card.remove();
    for (const el of form.elements) {
      if (!el.name || el.name === "csrf" || isPreviewControl(el) || el.type === "file") continue;
      if (el.type === "checkbox" || el.type === "radio") el.checked = data.getAll(el.name).includes(el.value);
      else if (el.tagName !== "BUTTON" && data.has(el.name)) el.value = data.get(el.name);
      else if (el.tagName !== "BUTTON" && el.name !== "extra") el.value = "";
    }
    base.value = entry.base;
    const note = document.createElement("p");
    note.className = "notice";
    note.id = "restored";
    note.textContent = words.restored;
    document.getElementById("editor-bar").after(note);
    return true;
  }
  if (restore()) changed();
  else {
    status.className = "saved";
    check();
  }
  // Every handler is in place: what is typed or chosen from now on is seen (tests wait for this).
  form.dataset.ready = "yes";
})();
