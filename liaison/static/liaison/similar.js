// "可能重复" while an issue is filed: as the title is typed, the open issues that look like it
// (GET /api/v1/issues/similar/) are listed under the field. A hint, never a gate: nothing here
// touches the form's submission, and a failed request just shows nothing.
(function () {
  "use strict";

  var DELAY = 300; // ms after the last keystroke: one request per pause, not per character
  var MIN_LENGTH = 2; // as the endpoint: a shorter title answers nothing

  function setUp(input) {
    var box = document.getElementById(input.dataset.similarList);
    if (!box) {
      return;
    }
    var items = box.querySelector("[data-similar-items]");
    var chain = input.form ? input.form.querySelector("select[name=chain]") : null;
    var timer = null, asked = 0, lastQuery = null;

    function chainCode() {
      var option = chain && chain.selectedOptions ? chain.selectedOptions[0] : null;
      return option && option.dataset.code ? option.dataset.code : "";
    }

    function show(results) {
      items.replaceChildren();
      results.forEach(function (issue) {
        var link = document.createElement("a");
        link.href = box.dataset.issueUrl.replace(/\/0\/$/, "/" + issue.id + "/");
        link.textContent = issue.number + " " + issue.title;
        var state = document.createElement("span");
        state.className = "badge text-bg-secondary ms-2";
        state.textContent = issue.state_label;
        var row = document.createElement("li");
        row.dataset.testid = "similar-item";
        row.append(link, state);
        items.append(row);
      });
      box.hidden = results.length === 0;
    }

    function ask() {
      var title = input.value.trim();
      var params = new URLSearchParams({ title: title });
      if (chainCode()) {
        params.set("chain", chainCode());
      }
      var query = params.toString();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (title.replace(/\s/g, "").length < MIN_LENGTH) {
        asked += 1; // an answer still on its way is stale now
        show([]);
        return;
      }
      var mine = (asked += 1);
      fetch(input.dataset.similar + "?" + query, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (results) {
          if (mine === asked) {
            show(results);
          }
        })
        .catch(function () {
          if (mine === asked) {
            show([]);
          }
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    }

    input.addEventListener("input", later);
    if (chain) {
      chain.addEventListener("change", later);
    }
    if (input.value) {
      ask(); // a form shown again with its errors keeps its title: list again at once
    }
  }

  document.querySelectorAll("input[data-similar]").forEach(setUp);
})();
