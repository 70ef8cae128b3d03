// The service worker of the installable app (issue 15), served as /sw.js by
// liaison.pwa.service_worker so that its scope is the whole site. What it does:
// - keeps the new-issue form and the static files that form uses, so the form opens without a
//   connection (network first: online, every page is fresh; the copy is for offline only);
// - offline, any other page opens that form instead of the browser's error page;
// - a form posted while the network fails is saved on the phone (queue.js) rather than lost,
//   and the officer lands on the form that lists it. The page (offline.js) sends it later.
// No personal page other than the form is kept; signing out (or being refused the form)
// drops the kept copy.
importScripts("{{ queue_js }}");

var NEW_ISSUE = "{{ new_issue }}";
var STATIC_URL = "{{ static_url }}";
var LOGIN_URL = "{{ login_url }}";
var CACHE = "liaison-shell-v1";

self.addEventListener("install", function () {
  self.skipWaiting(); // nothing to prepare: the form is kept when the officer opens it
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("liaison-") === 0 && name !== CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

// The static files a page names (<link href>, <script src>, <img src>): what the form needs.
function staticRefs(html) {
  var found = {};
  var pattern = /(?:src|href)="([^"]+)"/g;
  var match;
  while ((match = pattern.exec(html))) {
    var url = match[1].replace(/&amp;/g, "&");
    if (url.indexOf(STATIC_URL) === 0) {
      found[url] = true;
    }
  }
  return Object.keys(found);
}

// Keep this answer of the form and exactly the static files it names (older ones go: with
// hashed names in production each release names new files).
function keepForm(response) {
  return Promise.all([caches.open(CACHE), response.clone().text()]).then(function (both) {
    var cache = both[0];
    var refs = staticRefs(both[1]);
    return cache.put(NEW_ISSUE, response).then(function () {
      return cache.keys().then(function (requests) {
        var kept = {};
        var drops = requests
          .filter(function (request) {
            var path = new URL(request.url).pathname;
            kept[path] = true;
            return path.indexOf(STATIC_URL) === 0 && refs.indexOf(path) < 0;
          })
          .map(function (request) {
            return cache.delete(request);
          });
        var adds = refs
          .filter(function (url) {
            return !kept[url];
          })
          .map(function (url) {
            return cache.add(url).catch(function () {}); // one missing file must not stop the rest
          });
        return Promise.all(drops.concat(adds));
      });
    });
  });
}

function forgetForm() {
  return caches.open(CACHE).then(function (cache) {
    return cache.delete(NEW_ISSUE);
  });
}

function isForm(response) {
  return response.ok && !response.redirected && new URL(response.url).pathname === NEW_ISSUE;
}

// offline.js asks, on a page that offers the form, to keep it if it is not kept yet; and to
// drop it when the person signs out.
self.addEventListener("message", function (event) {
  if (event.data === "keep-form") {
    event.waitUntil(
      caches
        .open(CACHE)
        .then(function (cache) {
          return cache.match(NEW_ISSUE);
        })
        .then(function (kept) {
          if (kept) {
            return undefined;
          }
          return fetch(NEW_ISSUE, { credentials: "same-origin" }).then(function (response) {
            return isForm(response) ? keepForm(response) : undefined;
          });
        })
        .catch(function () {})
    );
  } else if (event.data === "forget-form") {
    event.waitUntil(forgetForm());
  }
});

function formFromNetwork(event) {
  return fetch(event.request)
    .then(function (response) {
      if (isForm(response)) {
        event.waitUntil(keepForm(response.clone()));
      } else if (response.type === "opaqueredirect" || response.status === 403) {
        event.waitUntil(forgetForm()); // signed out, or no longer an officer
      }
      return response;
    })
    .catch(function () {
      return caches.match(NEW_ISSUE).then(function (kept) {
        return kept || Response.error();
      });
    });
}

function postOrSave(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return Promise.all([copy.formData(), self.LiaisonQueue.owner()]).then(function (both) {
      if (!both[1]) {
        return Response.error(); // nobody signed in on this phone: nothing to file for
      }
      return self.LiaisonQueue.save(both[0], both[1]).then(function () {
        return Response.redirect(NEW_ISSUE + "?queued=1", 303);
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname === NEW_ISSUE && request.mode === "navigate") {
    event.respondWith(request.method === "POST" ? postOrSave(request) : formFromNetwork(event));
  } else if (request.method !== "GET") {
    return; // everything else the page sends goes to the network untouched
  } else if (url.pathname.indexOf(STATIC_URL) === 0) {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(request).then(function (kept) {
          return kept || Response.error();
        });
      })
    );
  } else if (request.mode === "navigate" && url.pathname !== LOGIN_URL) {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(NEW_ISSUE).then(function (kept) {
          return kept ? Response.redirect(NEW_ISSUE + "?offline=1", 302) : Response.error();
        });
      })
    );
  }
});
