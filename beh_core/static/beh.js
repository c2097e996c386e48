/* BEH progressive enhancement. Every page works without this file; with it:
   - the error summary takes focus, and its links move focus to the field;
   - destructive actions open a confirmation dialog instead of the confirmation page;
   - secret fields (Lösenord) get a Visa/Dölj toggle;
   - table cells get their column's name for the one-card-per-row layout on small screens;
   - dependent lists (Område -> Verksamhet -> Attestant) update in place, keeping focus. */
(function () {
  "use strict";

  function byKey(key) {
    return document.getElementById(key) || document.querySelector('[name="' + CSS.escape(key) + '"]');
  }

  function errorSummary() {
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-error-key]");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1)) ||
        byKey(link.dataset.errorKey) || document.getElementById(link.dataset.errorId);
      if (!target) { return; }
      event.preventDefault();
      if (!target.matches("input, select, textarea, button, a, [tabindex]")) { target.setAttribute("tabindex", "-1"); }
      target.scrollIntoView({block: "center"});
      target.focus();
    });
  }

  function openDialog(dialog, opener) {
    dialog.showModal();
    dialog.addEventListener("close", function () { opener.focus(); }, {once: true});
  }

  function confirmations() {
    document.querySelectorAll("[data-confirm]").forEach(function (opener) {
      var dialog = document.getElementById(opener.dataset.confirm);
      if (!dialog || typeof dialog.showModal !== "function") { return; }
      opener.addEventListener("click", function (event) {
        var listName = opener.dataset.confirmItems;
        if (listName) {
          // A form button acting on ticked rows: the dialog lists exactly the ticked ones.
          var ticked = Array.prototype.slice.call(opener.form.querySelectorAll('input[name="' + listName + '"]:checked'));
          if (!ticked.length) { return; }  // nothing ticked: the server answers with the error
          var list = dialog.querySelector("[data-confirm-list]");
          list.textContent = "";
          ticked.forEach(function (box) {
            var item = document.createElement("li");
            item.textContent = box.dataset.label || box.value;
            list.appendChild(item);
          });
          var count = dialog.querySelector("[data-confirm-count]");
          if (count) { count.textContent = ticked.length === 1 ? count.dataset.one : count.dataset.many.replace("{n}", ticked.length); }
        }
        event.preventDefault();
        openDialog(dialog, opener);
      });
      dialog.querySelectorAll("[data-close]").forEach(function (button) {
        button.addEventListener("click", function () { dialog.close(); });
      });
      var submit = dialog.querySelector("[data-confirm-submit]");
      if (submit && opener.form) {
        submit.addEventListener("click", function () {
          [[opener.name, opener.value], ["bekraftad", "1"]].forEach(function (pair) {
            var hidden = document.createElement("input");
            hidden.type = "hidden"; hidden.name = pair[0]; hidden.value = pair[1];
            opener.form.appendChild(hidden);
          });
          opener.form.submit();
        });
      }
    });
  }

  function secrets() {
    document.querySelectorAll("input[data-secret]").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary beh-tablebutton";
      button.textContent = input.dataset.show;
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-controls", input.id);
      button.setAttribute("aria-label", input.dataset.showLabel);
      button.addEventListener("click", function () {
        var shown = input.type === "text";
        input.type = shown ? "password" : "text";
        button.setAttribute("aria-pressed", shown ? "false" : "true");
        button.textContent = shown ? input.dataset.show : input.dataset.hide;
      });
      input.parentNode.appendChild(button);
    });
  }

  function tableLabels() {
    // Small screens show each row as a card whose cells carry their column's name (beh.css);
    // tables written without data-label get it here from their headers.
    document.querySelectorAll("main table").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          // A cell with its own <label> (a checkbox and its name) needs no column name.
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && headers[index] && cell.colSpan === 1 &&
              !cell.querySelector("label")) {
            cell.setAttribute("data-label", headers[index]);
          }
        });
      });
    });
  }

  function dependentLists() {
    // <form data-refresh="URL">: a changed select[data-refresh-on] asks URL (a GET page that shows
    // the same form for the choices so far) and swaps in the form's new fields, keeping focus,
    // without a page reload. Without JavaScript the form's Uppdatera listorna button does the same.
    document.querySelectorAll("form[data-refresh][id]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        var changed = event.target;
        if (!changed.matches("select[data-refresh-on]")) { return; }
        var params = new URLSearchParams();
        new FormData(form).forEach(function (value, name) {
          if (name !== "csrf_token" && name !== "action" && value !== "") { params.append(name, value); }
        });
        var url = form.dataset.refresh + "?" + params.toString();
        var status = document.getElementById(form.id + "-status");
        fetch(url, {credentials: "same-origin"}).then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        }).then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(form.id);
          if (!fresh) { throw new Error("no form"); }
          var focusId = document.activeElement && document.activeElement.id;
          fresh.querySelectorAll("[data-refresh-field]").forEach(function (field) {
            var old = document.getElementById(field.id);
            if (old) { old.replaceWith(field); }
          });
          history.replaceState(null, "", url);
          var again = focusId && document.getElementById(focusId);
          if (again) { again.focus(); }
          if (status) { status.textContent = status.dataset.done; }
        }).catch(function () { form.submit(); });  // fall back to the ordinary round trip
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tableLabels();
    dependentLists();
    errorSummary();
    confirmations();
    secrets();
  });
}());
