/* BEH progressive enhancement. Every page works without this file; with it:
   - the error summary takes focus, and its links move focus to the field;
   - destructive actions open a confirmation dialog instead of the confirmation page;
   - secret fields (Lösenord) get a Visa/Dölj toggle;
   - table cells get their column's name for the one-card-per-row layout on small screens;
   - dependent lists (Område -> Verksamhet -> Attestant) update in place, keeping focus;
   - text fields marked data-suggest-url show suggestions while typing (an ARIA 1.2 combobox);
   - attest with signing opens "Signering av beställning" in a window of its own. */
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
    // <form data-refresh="URL">: a changed select[data-refresh-on] asks URL for the same form with the
    // choices so far and swaps in the form's later fields ([data-refresh-field]), keeping focus, without
    // a page reload. Without JavaScript the form's Uppdatera listorna button does the same.
    //  - default: a GET of URL with the choices as query (a page that changes nothing: Byt attestant);
    //  - data-refresh-method="post": the form is posted as Uppdatera listorna posts it (action=refresh;
    //    the wizard keeps everything typed in its draft) and the page it redirects to is read.
    // The list the user just changed is left as it is; an answer overtaken by a later change is dropped.
    document.querySelectorAll("form[data-refresh][id]").forEach(function (form) {
      var latest = 0;
      form.addEventListener("change", function (event) {
        var changed = event.target;
        if (!changed.matches("select[data-refresh-on]")) { return; }
        var post = form.dataset.refreshMethod === "post";
        var mine = ++latest;
        var status = document.getElementById(form.id + "-status");
        var url, request;
        if (post) {
          var body = new FormData(form);
          body.set("action", "refresh");
          url = form.dataset.refresh;
          request = fetch(url, {method: "POST", body: body, credentials: "same-origin"});
        } else {
          var params = new URLSearchParams();
          new FormData(form).forEach(function (value, name) {
            if (name !== "csrf_token" && name !== "action" && value !== "") { params.append(name, value); }
          });
          url = form.dataset.refresh + "?" + params.toString();
          request = fetch(url, {credentials: "same-origin"});
        }
        if (status) { status.textContent = ""; }
        request.then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        }).then(function (html) {
          if (mine !== latest) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(form.id);
          if (!fresh) { throw new Error("no form"); }
          var focusId = document.activeElement && document.activeElement.id;
          fresh.querySelectorAll("[data-refresh-field]").forEach(function (field) {
            var old = document.getElementById(field.id);
            if (old && !old.contains(changed)) { old.replaceWith(field); }
          });
          if (!post) { history.replaceState(null, "", url); }
          var again = focusId && document.getElementById(focusId);
          if (again && again !== document.activeElement) { again.focus(); }
          if (status) { status.textContent = status.dataset.done; }
        }).catch(function () {
          // Fall back to the ordinary round trip (the button's request).
          if (post) {
            var hidden = document.createElement("input");
            hidden.type = "hidden"; hidden.name = "action"; hidden.value = "refresh";
            form.appendChild(hidden);
          }
          form.submit();
        });
      });
    });
  }

  function signingWindow() {
    // Attest with signing (manual 000: "Detta sker i ett nytt fönster"): Godkänn / Avslå post into a
    // window of its own, "Signering av beställning"; this page waits behind it. The signed page tells
    // us (postMessage) and its Stäng fönster closes it; then this page moves on to Attestera
    // beställningar. Closed without signing: nothing happened, the buttons are here again. Without
    // JavaScript, or when the browser blocks the window, the signing page opens in this tab.
    var form = document.querySelector("form[data-sign-window]");
    if (!form) { return; }
    var name = form.dataset.signWindow, status = document.getElementById("sign-window-status");
    var signed = false, watching = null;
    window.addEventListener("message", function (event) {
      if (event.origin === window.location.origin && event.data && event.data.beh === "signed") { signed = true; }
    });
    form.querySelectorAll("button[data-sign]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.removeAttribute("formtarget");
        var comment = form.querySelector("[name=comment]");
        if (button.value === "reject" && comment && !comment.value.trim()) { return; }  // the error comes here
        var width = Math.min(960, window.screen.availWidth || 960), height = Math.min(900, window.screen.availHeight || 900);
        var popup = window.open("", name, "popup,width=" + width + ",height=" + height);
        if (!popup) { return; }  // blocked: the signing page opens in this tab
        button.setAttribute("formtarget", name);
        if (status) { status.textContent = status.dataset.open; }
        window.clearInterval(watching);
        watching = window.setInterval(function () {
          if (!popup.closed) { return; }
          window.clearInterval(watching);
          button.removeAttribute("formtarget");
          if (signed) { window.location.assign(form.dataset.signDone); return; }
          if (status) { status.textContent = status.dataset.closed; }
          button.focus();
        }, 300);
      });
    });
  }

  function suggestions() {
    // <div data-suggest-url="URL"> around a text input[data-suggest-input] (and optionally a hidden
    // input[data-suggest-value]): typing POSTs q (and the form's csrf_token) to URL, which answers
    // {suggestions: [{value, label, detail}]}; the list is a listbox under the field. Arrow keys move,
    // Enter or a click chooses (the text becomes the label, the hidden field the value), Escape closes.
    // Without JavaScript the form's own search button does the same search on the server.
    document.querySelectorAll("[data-suggest-url]").forEach(function (box) {
      var input = box.querySelector("input[data-suggest-input]");
      var hidden = box.querySelector("input[data-suggest-value]");
      var form = input && input.form;
      if (!input || !form || typeof fetch !== "function") { return; }
      var list = document.createElement("ul");
      list.id = input.id + "-forslag";
      list.className = "beh-suggest__list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", box.dataset.suggestLabel || input.labels[0].textContent.trim());
      list.hidden = true;
      var status = document.createElement("p");
      status.className = "sr-only";
      status.setAttribute("role", "status");
      input.parentNode.appendChild(list);
      box.appendChild(status);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", list.id);
      input.setAttribute("autocomplete", "off");
      var timer = null, active = -1, items = [], asked = "", minimum = parseInt(box.dataset.suggestMin || "2", 10);

      function close() {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
        active = -1;
      }
      function mark(index) {
        var options = list.querySelectorAll("[role=option]");
        options.forEach(function (option, n) { option.setAttribute("aria-selected", n === index ? "true" : "false"); });
        active = index;
        if (index >= 0 && options[index]) {
          input.setAttribute("aria-activedescendant", options[index].id);
          options[index].scrollIntoView({block: "nearest"});
        } else {
          input.removeAttribute("aria-activedescendant");
        }
      }
      function choose(index) {
        var item = items[index];
        if (!item) { return; }
        input.value = item.label;
        if (hidden) { hidden.value = item.value; }
        close();
        status.textContent = (box.dataset.suggestChosen || "").replace("{label}", item.label);
        input.dispatchEvent(new Event("change", {bubbles: true}));
      }
      function show(found) {
        items = found;
        list.textContent = "";
        found.forEach(function (item, n) {
          var option = document.createElement("li");
          option.id = list.id + "-" + n;
          option.className = "beh-suggest__option";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.textContent = item.label;
          if (item.detail) {
            var small = document.createElement("small");
            small.textContent = item.detail;
            option.appendChild(small);
          }
          option.addEventListener("mousedown", function (event) { event.preventDefault(); });
          option.addEventListener("click", function () { choose(n); input.focus(); });
          list.appendChild(option);
        });
        var many = box.dataset.suggestMany || "{n}";
        status.textContent = found.length === 0 ? (box.dataset.suggestNone || "") :
          (found.length === 1 ? (box.dataset.suggestOne || many) : many).replace("{n}", found.length);
        if (found.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          mark(-1);
        } else {
          close();
        }
      }
      function ask() {
        var text = input.value.trim();
        if (text.length < minimum) { items = []; close(); return; }
        if (text === asked) { return; }
        asked = text;
        var body = new FormData();
        body.append("q", text);
        var token = form.querySelector("input[name=csrf_token]");
        if (token) { body.append("csrf_token", token.value); }
        fetch(box.dataset.suggestUrl, {method: "POST", body: body, credentials: "same-origin",
                                       headers: {"Accept": "application/json"}})
          .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
          .then(function (answer) { if (input.value.trim() === text) { show(answer.suggestions || []); } })
          .catch(function () { close(); });  // the search button still works
      }
      input.addEventListener("input", function () {
        if (hidden) { hidden.value = ""; }  // typed again: the earlier choice no longer holds
        clearTimeout(timer);
        timer = setTimeout(ask, 200);
      });
      input.addEventListener("keydown", function (event) {
        var open = !list.hidden && items.length;
        if (event.key === "ArrowDown") {
          event.preventDefault();
          if (!open) { asked = ""; ask(); return; }
          mark(Math.min(active + 1, items.length - 1));
        } else if (event.key === "ArrowUp" && open) {
          event.preventDefault();
          mark(Math.max(active - 1, 0));
        } else if (event.key === "Enter" && open && active >= 0) {
          event.preventDefault();  // choose; the next Enter sends the form
          choose(active);
        } else if (event.key === "Escape" && open) {
          event.preventDefault();
          close();
        }
      });
      input.addEventListener("blur", function () { setTimeout(close, 150); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    suggestions();
    tableLabels();
    dependentLists();
    errorSummary();
    confirmations();
    secrets();
    signingWindow();
  });
}());
