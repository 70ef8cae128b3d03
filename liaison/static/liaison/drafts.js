// Forms never lose what was typed (DESIGN "Public API": a CSRF failure on a form keeps it).
//
// A <form data-draft> keeps a copy of its fields in the browser (localStorage) as they are
// typed. When the page is opened again without them — Back from the "page expired" page,
// signing in again after the session ended, switching language — the copy is put back and a
// notice says so, with a link to discard it. When the submission succeeded (the next page shows
// a success message, or one marked [data-draft-done]) the copy only serves Back to the form,
// with its one-time key, so that a second submission is recognised; a form opened afresh is blank.
//
//   data-draft="key"     the draft's name (default: the form's action path); per signed-in user
//   data-draft-bound     the server re-rendered the form with the submitted values: they win
//   data-draft-field     on a hidden input: kept with the draft (the one-time submission key)
//   data-draft-skip      on a field: never kept
//   data-draft-clear     on a form (sign out): submitting it forgets this user's drafts
(function () {
  "use strict";

  var PREFIX = "liaison-draft:";
  var PENDING = "liaison-draft-pending"; // sessionStorage: the draft just submitted in this tab
  var MAX_AGE = 7 * 24 * 3600 * 1000; // a draft older than a week is forgotten
  var UNSAVED = ["password", "file", "submit", "button", "reset", "image"];
  var notice = document.getElementById("draft-restored");
  var owner = notice ? notice.dataset.owner : "";

  function store(kind) {
    try {
      var s = window[kind];
      s.getItem(PREFIX); // throws where storage is disabled
      return s;
    } catch (e) {
      return null;
    }
  }
  var local = store("localStorage"), session = store("sessionStorage");
  if (!local || !notice) {
    return;
  }

  function keyOf(form) {
    var name = form.dataset.draft || new URL(form.action, window.location.href).pathname;
    return PREFIX + owner + ":" + name;
  }

  function kept(el) {
    if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" || el.hasAttribute("data-draft-skip")) {
      return false;
    }
    if (el.type === "hidden") {
      return el.hasAttribute("data-draft-field");
    }
    return UNSAVED.indexOf(el.type) < 0 && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
  }

  function typed(el) {
    return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && ["checkbox", "radio", "hidden"].indexOf(el.type) < 0);
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, kept);
  }

  // What the person changed since the page came from the server (or the browser put back).
  function changed(el) {
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    if (el.type === "checkbox" || el.type === "radio") {
      return el.checked !== el.defaultChecked;
    }
    return el.type !== "hidden" && el.value !== el.defaultValue;
  }

  function valueOf(el) {
    if (el.tagName === "SELECT") {
      return Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
    }
    if (el.type === "checkbox" || el.type === "radio") {
      return el.checked;
    }
    return el.value;
  }

  function apply(el, value) {
    if (el.tagName === "SELECT") {
      Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) >= 0; });
    } else if (el.type === "checkbox" || el.type === "radio") {
      el.checked = value;
    } else {
      el.value = value;
    }
  }

  function slot(el) {
    // Radios and checkboxes share a name: each one is kept under name=value.
    return el.type === "checkbox" || el.type === "radio" ? el.name + "=" + el.value : el.name;
  }

  function save(form) {
    var values = {}, worth = false;
    fields(form).forEach(function (el) {
      values[slot(el)] = valueOf(el);
      if (typed(el) ? el.value.trim() !== "" : el.type !== "hidden" && changed(el)) {
        worth = true;
      }
    });
    try {
      if (worth) {
        local.setItem(keyOf(form), JSON.stringify({ at: Date.now(), values: values }));
      } else {
        local.removeItem(keyOf(form));
      }
    } catch (e) {
      // Storage full: the form still submits; only the safety copy is missing.
    }
  }

  function load(key) {
    try {
      var draft = JSON.parse(local.getItem(key) || "null");
      return draft && Date.now() - draft.at < MAX_AGE ? draft : null;
    } catch (e) {
      return null;
    }
  }

  // Back (or Forward) to this page, as opposed to opening it.
  function cameBack() {
    var entry = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    return Boolean(entry && entry.type === "back_forward");
  }

  function restore(form) {
    var draft = load(keyOf(form));
    if (!draft || form.hasAttribute("data-draft-bound")) {
      return;
    }
    if (draft.filed && !cameBack()) {
      local.removeItem(keyOf(form)); // submitted; a form opened afresh starts blank
      return;
    }
    var values = draft.values;
    var restored = [], hidden = [];
    fields(form).forEach(function (el) {
      var value = values[slot(el)];
      if (value === undefined || changed(el)) {
        return; // not in the draft, or the browser already put back what was typed
      }
      if (el.type === "hidden") {
        hidden.push([el, value]);
      } else if (JSON.stringify(valueOf(el)) !== JSON.stringify(value)) {
        apply(el, value);
        restored.push(el);
      }
    });
    if (!restored.length) {
      return;
    }
    if (draft.filed) {
      // Back to a form already submitted: it shows what was sent, with its one-time key, as
      // a browser keeping the page would — submitting it again answers "您已提交过该问题".
      hidden.forEach(function (pair) { apply(pair[0], pair[1]); });
      return;
    }
    // The draft's one-time key too: a filing that went through unseen is then recognised.
    hidden.forEach(function (pair) {
      pair[0].dataset.draftServerValue = pair[0].value;
      apply(pair[0], pair[1]);
    });
    var details = form.closest("details");
    if (details) {
      details.open = true;
    }
    var box = notice.content.firstElementChild.cloneNode(true);
    box.querySelector("[data-draft-discard]").addEventListener("click", function () {
      form.reset();
      hidden.forEach(function (pair) { pair[0].value = pair[0].dataset.draftServerValue; });
      local.removeItem(keyOf(form));
      box.remove();
      (restored[0] || form).focus();
    });
    form.insertBefore(box, form.firstChild);
    restored.forEach(function (el) {
      // Listeners (the similar issues while the title is typed) see the text as if typed.
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function forget(test) {
    for (var i = local.length - 1; i >= 0; i--) {
      var key = local.key(i);
      if (key && key.indexOf(PREFIX) === 0 && test(key)) {
        local.removeItem(key);
      }
    }
  }

  // Old drafts of anyone go; then the one just submitted, if this page says it went through.
  forget(function (key) { return load(key) === null; });
  if (session) {
    var pending = session.getItem(PENDING);
    session.removeItem(PENDING);
    var done = pending ? load(pending) : null;
    if (done && document.querySelector("[data-draft-done]")) {
      // Kept, marked as submitted, for Back only (see restore); a fresh form forgets it.
      done.filed = true;
      local.setItem(pending, JSON.stringify(done));
    }
  }

  var forms = document.querySelectorAll("form[data-draft]");
  forms.forEach(restore);
  forms.forEach(function (form) {
    // Every keystroke: a few kilobytes, and nothing is lost if the page goes a moment later.
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () {
      save(form);
      if (session) {
        session.setItem(PENDING, keyOf(form));
      }
    });
  });

  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-draft-clear")) {
      forget(function (key) { return key.indexOf(PREFIX + owner + ":") === 0; });
    }
  });
})();
