// Filings kept on the phone until they can be sent (issue 15: filing offline). One IndexedDB
// database shared by the page (offline.js) and the service worker (/sw.js, importScripts):
// both save a filing the network could not take, only the page sends them.
//
// A filing: {id, key, owner, savedAt, title, entries, status, error, number, url}
// - entries: the form's [name, value] pairs as FormData gave them; photos stay File objects
//   (IndexedDB stores Blobs), so nothing is re-encoded or lost.
// - key: a one-time submission key made when the filing is saved and sent with every try
//   (field `submission_key`): a retry after an answer lost on the way finds the issue already
//   filed instead of filing it twice.
// - owner: the signed-in person's id when it was saved; only they see and send it.
// - status: "queued" (waits for the network), "failed" (the server refused it: `error` says
//   why; kept until the officer sends it again or deletes it), "sent" (`number`, `url`: shown
//   once, then removed).
(function (scope) {
  "use strict";

  var DB = "liaison-offline";
  var FILINGS = "filings";
  var META = "meta";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(FILINGS, { keyPath: "id", autoIncrement: true });
        request.result.createObjectStore(META, { keyPath: "name" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  // One transaction on one store; `work` gets the store and returns an IDBRequest or nothing.
  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var request = work(tx.objectStore(store));
        tx.oncomplete = function () {
          db.close();
          resolve(request ? request.result : undefined);
        };
        tx.onerror = tx.onabort = function () {
          db.close();
          reject(tx.error);
        };
      });
    });
  }

  function newKey() {
    return scope.crypto && scope.crypto.randomUUID
      ? scope.crypto.randomUUID()
      : Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  var queue = {
    // Who is signed in on this phone (offline.js writes it on every page, clears it on sign-out):
    // the service worker, which sees no session, saves a filing in that person's name.
    owner: function () {
      return run(META, "readonly", function (store) {
        return store.get("owner");
      }).then(function (row) {
        return row ? row.value : "";
      });
    },
    setOwner: function (value) {
      return run(META, "readwrite", function (store) {
        return value ? store.put({ name: "owner", value: value }) : store.delete("owner");
      });
    },
    // Save what a form held (a FormData) as a queued filing; resolves with its id.
    save: function (formData, owner) {
      var entries = [];
      formData.forEach(function (value, name) {
        // An empty file input still sends one nameless, empty part: not a photo.
        if (typeof value !== "string" && !value.name && !value.size) {
          return;
        }
        if (name !== "csrfmiddlewaretoken") {
          entries.push([name, value]); // the token is fetched afresh when it is sent
        }
      });
      var filing = {
        key: newKey(),
        owner: owner,
        savedAt: new Date().toISOString(),
        title: String(formData.get("title") || ""),
        entries: entries,
        status: "queued",
        error: "",
      };
      return run(FILINGS, "readwrite", function (store) {
        return store.add(filing);
      });
    },
    list: function (owner) {
      return run(FILINGS, "readonly", function (store) {
        return store.getAll();
      }).then(function (all) {
        return all.filter(function (filing) {
          return filing.owner === owner;
        });
      });
    },
    put: function (filing) {
      return run(FILINGS, "readwrite", function (store) {
        return store.put(filing);
      });
    },
    remove: function (id) {
      return run(FILINGS, "readwrite", function (store) {
        return store.delete(id);
      });
    },
  };

  scope.LiaisonQueue = queue;
})(self);
