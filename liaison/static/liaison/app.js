// The product's own behaviour, in one static file: the Content-Security-Policy allows no
// inline scripts or on*= handlers, so templates mark elements with data- attributes instead.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing a value submits its form (the language switcher, the
  // dashboard's year). Without JavaScript a <noscript> button does the same.
  document.addEventListener("change", function (event) {
    var select = event.target.closest ? event.target.closest("select[data-autosubmit]") : null;
    if (select && select.form) {
      select.form.submit();
    }
  });

  // <details data-fold-small open> (the issue list's 筛选与排序): folded on a phone, so the
  // results come first; the summary line says how many filters are set.
  if (window.matchMedia("(max-width: 767.98px)").matches) {
    document.querySelectorAll("details[data-fold-small][open]").forEach(function (details) {
      details.open = false;
    });
  }

  // [data-history-back] buttons (error pages): back to the page the person came from, where the
  // browser usually still holds what they typed.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-history-back]") : null;
    if (button) {
      window.history.back();
    }
  });

  // [data-once] buttons: a slow phone network must not file the same thing twice — one tap,
  // one submission.
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("[data-once]").forEach(function (button) {
      button.disabled = true;
    });
  });

  // Back to a page the browser kept whole (its back/forward cache): its [data-once] buttons
  // were disabled by the submission that left it; they work again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("[data-once]").forEach(function (button) {
        button.disabled = false;
      });
    }
  });

  // [data-fill-login] (the demo accounts a development server lists on its sign-in page):
  // a click fills the sign-in form with that account.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fill-login]") : null;
    if (button) {
      document.getElementById("id_username").value = button.dataset.fillLogin;
      var password = document.getElementById("id_password");
      password.value = button.dataset.fillPassword;
      password.focus();
    }
  });

  // "Add a row" for the attendance and decision formsets: clone the empty form, renumber it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-add-row]") : null;
    if (!button) {
      return;
    }
    var kind = button.dataset.addRow, prefix = button.dataset.prefix;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var html = document.getElementById(kind + "-empty").innerHTML.replace(/__prefix__/g, total.value);
    var rows = document.querySelector('[data-rows="' + kind + '"]');
    rows.insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
    var added = rows.lastElementChild.querySelector("select, input, textarea");
    if (added) {
      added.focus();
    }
  });

  // Ticking "删除" greys the row out so it is clear it will go on save.
  document.addEventListener("change", function (event) {
    if (event.target.name && event.target.name.endsWith("-DELETE")) {
      event.target.closest("[data-row]").classList.toggle("opacity-50", event.target.checked);
    }
  });
})();
