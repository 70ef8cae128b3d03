// Filing on the road (issue 15, JOURNEYS 1): registers the service worker (/sw.js), keeps a
// filing made without a connection on the phone (queue.js), lists what waits, and sends it
// when the connection returns — on the `online` event, on the next page load, or with
// "立即提交" — telling the officer what was sent (with the issue's number and link) or why
// the server refused it. A refused filing stays listed with the reason; nothing is dropped
// unless the officer deletes it.
(function () {
  "use strict";

  var script = document.currentScript;
  var queue = window.LiaisonQueue;
  if (!script || !queue || !window.indexedDB) {
    return; // no IndexedDB (a private window of an old browser): the form works as it always did
  }
  var NEW_ISSUE = script.dataset.newIssue;
  var SIGN_IN = script.dataset.signIn;
  var owner = script.dataset.owner;
  var texts = document.getElementById("offline-queue");
  var workerReady =
    "serviceWorker" in navigator
      ? navigator.serviceWorker.register(script.dataset.worker, { scope: "/" })
      : Promise.reject(new Error("no service worker"));

  function tell(message) {
    if (!navigator.serviceWorker) {
      return;
    }
    workerReady
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        registration.active.postMessage(message);
      })
      .catch(function () {});
  }

  // --- what the officer sees ------------------------------------------------------------

  function alertBox(kind, testid) {
    var box = document.createElement("div");
    box.className = "alert alert-" + kind;
    box.setAttribute("role", kind === "danger" ? "alert" : "status");
    box.dataset.testid = testid;
    var messages = document.getElementById("messages") || document.querySelector("main");
    messages.prepend(box);
    return box;
  }

  function say(kind, testid, text) {
    alertBox(kind, testid).textContent = text;
  }

  function announceSent(filing) {
    var box = alertBox("success", "offline-sent");
    var link = document.createElement("a");
    link.href = filing.url;
    link.className = "alert-link";
    link.textContent = filing.number;
    box.append(texts.dataset.sent + " ", link, " " + (filing.title || ""));
  }

  function statusText(filing) {
    if (filing.status === "failed") {
      return texts.dataset.failed + filing.error;
    }
    return filing.id === sendingId ? texts.dataset.sending : texts.dataset.waiting;
  }

  var panel = null;
  var sendingId = null; // the filing on its way now
  var rendering = Promise.resolve();

  // One drawing at a time: a sent filing is announced once even when two events ask at once.
  function render() {
    rendering = rendering.then(draw, draw);
    return rendering;
  }

  function draw() {
    return queue.list(owner).then(function (filings) {
      var sent = filings.filter(function (f) {
        return f.status === "sent";
      });
      sent.forEach(function (filing) {
        announceSent(filing);
        queue.remove(filing.id); // said once, here; the issue itself is on the server
      });
      var waiting = filings.filter(function (f) {
        return f.status !== "sent";
      });
      if (!waiting.length) {
        if (panel) {
          panel.remove();
          panel = null;
        }
        return;
      }
      if (!panel) {
        panel = texts.content.firstElementChild.cloneNode(true);
        var messages = document.getElementById("messages");
        if (messages) {
          messages.after(panel);
        } else {
          document.querySelector("main").prepend(panel);
        }
      }
      var items = panel.querySelector("[data-offline-items]");
      items.replaceChildren();
      waiting.forEach(function (filing) {
        var row = document.getElementById("offline-item").content.firstElementChild.cloneNode(true);
        row.dataset.filing = filing.id;
        row.querySelector("[data-title]").textContent = filing.title || texts.dataset.untitled;
        row.querySelector("[data-saved]").textContent =
          texts.dataset.savedAt + " " + new Date(filing.savedAt).toLocaleString();
        var status = row.querySelector("[data-status]");
        status.textContent = statusText(filing);
        if (filing.status === "failed") {
          status.classList.add("text-danger");
        }
        items.append(row);
      });
    });
  }

  // --- sending ----------------------------------------------------------------------------

  var parser = new DOMParser();

  function page(response) {
    return response.text().then(function (html) {
      return parser.parseFromString(html, "text/html");
    });
  }

  // Sent to sign in (the session ended overnight): the filing waits for the next sign-in.
  function signedOut(response) {
    return new URL(response.url).pathname === SIGN_IN;
  }

  // The form's answer to a refused filing, as one line: each field's error after its label,
  // then the form's own errors (the banner that only says "please correct" is left out).
  function refusal(doc, response) {
    var parts = [];
    doc.querySelectorAll("form .invalid-feedback").forEach(function (error) {
      var wrap = error.closest(".mb-3");
      var label = wrap ? wrap.querySelector("label, legend") : null;
      var name = label ? label.textContent.replace("*", "").trim() : "";
      parts.push((name ? name + "：" : "") + error.textContent.trim());
    });
    doc.querySelectorAll("form .alert-danger.py-2").forEach(function (alert) {
      parts.push(alert.textContent.trim());
    });
    if (!parts.length) {
      var heading = doc.querySelector("main h1");
      parts.push(heading ? heading.textContent.trim() : "HTTP " + response.status);
    }
    return parts.join("；");
  }

  function body(filing, token) {
    var data = new FormData();
    filing.entries.forEach(function (entry) {
      if (entry[0] !== "submission_key") {
        if (typeof entry[1] === "string") {
          data.append(entry[0], entry[1]);
        } else {
          data.append(entry[0], entry[1], entry[1].name);
        }
      }
    });
    data.set("csrfmiddlewaretoken", token);
    // The filing's own one-time key (issues.forms.IssueForm.submission_key): the same key
    // twice answers with the issue already filed, never a second one.
    data.set("submission_key", filing.key);
    return data;
  }

  // Send one filing; resolves with "sent", "failed", "signed-out" or "offline".
  function send(filing, token) {
    sendingId = filing.id;
    return render()
      .then(function () {
        return fetch(NEW_ISSUE, {
          method: "POST",
          body: body(filing, token),
          credentials: "same-origin",
          headers: { Accept: "text/html" },
        });
      })
      .then(
        function (response) {
          sendingId = null;
          if (signedOut(response)) {
            return "signed-out";
          }
          // Filed (or filed before with this key): the form sends on to the issue's page.
          if (response.ok && response.redirected && new URL(response.url).pathname !== NEW_ISSUE) {
            return page(response).then(function (doc) {
              var number = doc.querySelector("[data-testid=number]");
              filing.status = "sent";
              filing.number = number ? number.textContent.trim() : "";
              filing.url = new URL(response.url).pathname;
              filing.entries = []; // the photos are on the server now
              return queue.put(filing).then(function () {
                return "sent";
              });
            });
          }
          return page(response).then(function (doc) {
            filing.status = "failed";
            filing.error = refusal(doc, response);
            return queue.put(filing).then(function () {
              return "failed";
            });
          });
        },
        function () {
          sendingId = null;
          return "offline"; // kept as it was: the next chance sends it
        }
      );
  }

  function sendAll(retryFailed) {
    if (!navigator.onLine) {
      return Promise.resolve();
    }
    return queue.list(owner).then(function (filings) {
      var due = filings.filter(function (f) {
        return f.status === "queued" || (retryFailed && f.status === "failed");
      });
      if (!due.length) {
        return render();
      }
      // A fresh token (and a check that the session still holds) from the form itself.
      return fetch(NEW_ISSUE, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (signedOut(response)) {
            say("warning", "offline-sign-in", texts.dataset.signIn);
            return null;
          }
          if (!response.ok) {
            return page(response).then(function (doc) {
              say("danger", "offline-refused", texts.dataset.refused + refusal(doc, response));
              return null;
            });
          }
          return page(response).then(function (doc) {
            var input = doc.querySelector("input[name=csrfmiddlewaretoken]");
            return input ? input.value : null;
          });
        })
        .then(function (token) {
          var chain = Promise.resolve("start");
          if (token) {
            due.forEach(function (filing) {
              chain = chain.then(function (last) {
                if (last === "offline" || last === "signed-out") {
                  return last; // the connection or the session went: the rest waits
                }
                return send(filing, token);
              });
            });
          }
          return chain;
        })
        .then(function (last) {
          if (last === "signed-out") {
            say("warning", "offline-sign-in", texts.dataset.signIn);
          }
        })
        .catch(function () {}) // the network went away while asking: everything stays queued
        .then(render);
    });
  }

  // One tab sends at a time (Web Locks): two open pages coming back online must not send the
  // same filing twice. The one-time key guards the server side of the same promise.
  function sendOnce(retryFailed) {
    if (navigator.locks) {
      return navigator.locks.request("liaison-offline-queue", { ifAvailable: true }, function (lock) {
        return lock ? sendAll(retryFailed) : null;
      });
    }
    return sendAll(retryFailed);
  }

  // --- the form ---------------------------------------------------------------------------

  function onNewIssuePage() {
    return location.pathname === new URL(NEW_ISSUE, location.href).pathname;
  }

  function saveForm(form) {
    if (!form.checkValidity()) {
      form.reportValidity();
      say("danger", "offline-invalid", texts.dataset.invalid);
      return;
    }
    queue.save(new FormData(form), owner).then(function () {
      form.reset();
      form.querySelectorAll("[data-once]").forEach(function (button) {
        button.disabled = false; // app.js disabled it for the submission that did not leave
      });
      // The draft kept of this form (drafts.js saves on input) becomes the blank form: the
      // text lives on as the queued filing, and must not come back to be filed a second time.
      form.dispatchEvent(new Event("input", { bubbles: true }));
      say("info", "offline-queued", texts.dataset.queued);
      window.scrollTo(0, 0);
      return render();
    });
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form.matches("form[action$='/accounts/logout/']")) {
        // Signing out: the kept form (with this person's name on it) goes; queued filings
        // stay, in their owner's name, until that person signs in again.
        tell("forget-form");
        queue.setOwner("");
        return;
      }
      if (onNewIssuePage() && form.enctype === "multipart/form-data" && !navigator.onLine) {
        event.preventDefault();
        saveForm(form);
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-offline-send]")) {
      sendOnce(true);
      return;
    }
    var discard = event.target.closest("[data-offline-discard]");
    if (discard && window.confirm(texts.dataset.confirm)) {
      var id = Number(discard.closest("[data-filing]").dataset.filing);
      queue.remove(id).then(render);
    }
  });

  function offlineNotice() {
    if (!navigator.onLine && onNewIssuePage() && !document.querySelector("[data-testid=offline-notice]")) {
      say("warning", "offline-notice", texts.dataset.offline);
    }
  }

  window.addEventListener("online", function () {
    var notice = document.querySelector("[data-testid=offline-notice]");
    if (notice) {
      notice.remove();
    }
    sendOnce(false);
  });
  window.addEventListener("offline", offlineNotice);

  queue.setOwner(owner).then(function () {
    if (new URLSearchParams(location.search).get("queued")) {
      say("info", "offline-queued", texts.dataset.queued); // saved by the service worker
    }
    offlineNotice();
    return navigator.onLine ? sendOnce(false) : render();
  });
  // A page that offers the form: have the worker keep it for the road.
  if (document.querySelector("a[href='" + NEW_ISSUE + "']") || onNewIssuePage()) {
    tell("keep-form");
  }
})();
