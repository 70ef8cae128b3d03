// The meeting workspace (the secretariat's meeting page): each part saves as it changes.
//
// - form[data-autosave] (attendance, minutes) posts itself to its own address in the background
//   (header X-Autosave: 1, the JSON answer {saved_at} or {errors}) a moment after typing stops,
//   at once when a choice changes, and says so next to its heading: 有未保存的修改 / 正在保存… /
//   已保存 14:32 / 未能保存：why. The "保存" button saves the same way, without leaving the page.
// - form[data-swap="agenda"|"attendance"] (take an issue off, undo, delete a section, fill in
//   the usual participants …) posts in the background and puts the answer's section and
//   messages in place of the current ones: the page does not jump, and nothing typed elsewhere
//   is lost (dirty parts are saved first).
// - form[data-track-changes]: typed into and not yet submitted counts as unsaved.
// - Leaving the page while something is unsaved or still saving asks first (beforeunload).
// Without JavaScript every form still posts normally. The CSP allows no inline script: this is
// a static file, and templates only carry data- attributes.
(function () {
  "use strict";

  var TYPING_PAUSE = 3000; // ms after the last keystroke: one save per pause, not per key
  var RETRY = 5000; // ms before trying again after a network failure
  var states = new WeakMap();

  function stateOf(form) {
    var state = states.get(form);
    if (!state) {
      state = { version: 0, saved: 0, saving: null, timer: null, failed: false };
      states.set(form, state);
    }
    return state;
  }

  function indicator(form) {
    return document.querySelector('[data-save-state="' + form.dataset.autosave + '"]');
  }

  // The words come from the template (data-idle, data-dirty …), in the page's language.
  function words(form, kind) {
    var el = indicator(form);
    return (el && el.dataset[kind]) || "";
  }

  function show(form, text, kind) {
    var el = indicator(form);
    if (el) {
      el.textContent = text;
      el.className = "fs-6 fw-normal " + (kind === "error" ? "text-danger" : "text-muted");
      el.dataset.state = kind;
    }
  }

  function isDirty(form) {
    var state = stateOf(form);
    return state.version !== state.saved || state.saving !== null;
  }

  function schedule(form, delay) {
    var state = stateOf(form);
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      save(form);
    }, delay);
  }

  function changed(form, delay) {
    var state = stateOf(form);
    state.version += 1;
    show(form, words(form, "dirty"), "dirty");
    schedule(form, delay);
  }

  // Save now; resolves once what was typed up to now is stored (or refused).
  function save(form) {
    var state = stateOf(form);
    clearTimeout(state.timer);
    if (state.saving) {
      // One request at a time; what changed meanwhile goes in the next one.
      return state.saving.then(function () {
        return isDirty(form) ? save(form) : null;
      });
    }
    if (state.version === state.saved && !state.failed) {
      return Promise.resolve();
    }
    var sent = state.version;
    show(form, words(form, "saving"), "saving");
    state.saving = fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Autosave": "1", Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { ok: response.ok, answer: answer };
        });
      })
      .then(function (result) {
        state.saving = null;
        if (!result.ok) {
          state.failed = true;
          show(form, words(form, "failed") + (result.answer.errors || []).join("；"), "error");
          return;
        }
        state.failed = false;
        keepIds(form, result.answer.ids || {});
        state.saved = sent;
        if (state.version !== sent) {
          return save(form);
        }
        show(form, words(form, "saved") + " " + result.answer.saved_at, "saved");
      })
      .catch(function () {
        state.saving = null;
        state.failed = true;
        show(form, words(form, "offline"), "error");
        schedule(form, RETRY);
      });
    return state.saving;
  }

  // New decision rows got an id when first saved: keep it, so the next save updates the row.
  function keepIds(form, ids) {
    Object.keys(ids).forEach(function (index) {
      var field = form.querySelector('input[name$="-' + index + '-id"]');
      if (field) {
        field.value = ids[index];
      }
    });
  }

  function saveAll() {
    var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-autosave]"));
    return Promise.all(
      forms.filter(isDirty).map(function (form) {
        return save(form);
      })
    );
  }

  function autosaveFormOf(target) {
    return target.closest ? target.closest("form[data-autosave]") : null;
  }

  document.addEventListener("input", function (event) {
    var form = autosaveFormOf(event.target);
    var choice = event.target.type === "radio" || event.target.type === "checkbox";
    if (form) {
      changed(form, choice || event.target.tagName === "SELECT" ? 0 : TYPING_PAUSE);
      return;
    }
    var tracked = event.target.closest && event.target.closest("form[data-track-changes]");
    if (tracked) {
      tracked.dataset.dirty = "1";
    }
  });

  // Leaving a box (or picking a date) saves what it holds without waiting for the pause.
  document.addEventListener("change", function (event) {
    var form = autosaveFormOf(event.target);
    if (form && isDirty(form)) {
      save(form);
    }
  });

  function swap(form, submitter) {
    var target = form.dataset.swap;
    var body = new FormData(form);
    if (submitter && submitter.name) {
      body.append(submitter.name, submitter.value);
    }
    return saveAll()
      .then(function () {
        return fetch(form.action, { method: "POST", body: body, credentials: "same-origin" });
      })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        if (!page.getElementById(target)) {
          throw new Error("not the meeting page"); // e.g. signed out meanwhile
        }
        [target, "messages"].forEach(function (id) {
          var fresh = page.getElementById(id);
          var current = document.getElementById(id);
          if (fresh && current) {
            current.replaceWith(document.importNode(fresh, true));
          }
        });
        greet(document.getElementById(target));
        var alert = document.querySelector("#messages [role=alert]");
        if (alert) {
          alert.setAttribute("tabindex", "-1");
          alert.focus({ preventScroll: true });
        }
      })
      .catch(function () {
        var messages = document.getElementById("messages");
        if (messages) {
          var alert = document.createElement("div");
          alert.className = "alert alert-danger";
          alert.setAttribute("role", "alert");
          alert.textContent = messages.dataset.offline || "";
          messages.replaceChildren(alert);
        }
      });
  }

  var leaving = false;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.autosave) {
      event.preventDefault();
      stateOf(form).version += 1; // an explicit save always goes out
      save(form);
      return;
    }
    if (form.dataset.swap) {
      event.preventDefault();
      swap(form, event.submitter);
      return;
    }
    delete form.dataset.dirty;
    var pending = Array.prototype.slice.call(document.querySelectorAll("form[data-autosave]"));
    if (pending.some(isDirty)) {
      // Save the parts first, then go on with this form (e.g. 发布议程, 标记已召开).
      event.preventDefault();
      saveAll().then(function () {
        leaving = true;
        HTMLFormElement.prototype.submit.call(form);
      });
    } else {
      leaving = true;
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (leaving) {
      leaving = false;
      return;
    }
    var autosaving = Array.prototype.slice.call(document.querySelectorAll("form[data-autosave]"));
    var unsaved =
      autosaving.some(isDirty) || document.querySelector("form[data-track-changes][data-dirty]");
    if (unsaved) {
      autosaving.filter(isDirty).forEach(save); // and try to save while the dialog is up
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function greet(root) {
    root.querySelectorAll("form[data-autosave]").forEach(function (form) {
      show(form, words(form, "idle"), "idle");
    });
  }

  greet(document);
})();
