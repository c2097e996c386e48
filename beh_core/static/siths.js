/*
 * BEH SITHS: talks to the local card agent (beh-siths-agent) on 127.0.0.1.
 *
 * Progressive enhancement: the pages work as plain forms; this script fills
 * in the signature fields and submits them.  The PIN is never handled here:
 * the agent asks for it itself.
 *
 *  - Login page (#siths-login): get a one-time challenge from the portal,
 *    let the agent sign it with the authentication key, post it back.
 *  - Signing window (#siths-sign): let the agent sign the exact decision
 *    document with the signing key (PIN för Underskrift/Signering), post it.
 *    Opened by the attest page as a window of its own (beh.js), Avbryt and
 *    Stäng fönster close it and the attest page behind moves on.
 *  - Texts: the script and the agent speak Swedish; a form's data-texts holds
 *    their translations into the page's language (Swedish text -> shown text).
 *  - Card sessions (script[data-beh-watch]): poll the agent's /status and log
 *    out as soon as the card has left the reader - and also after
 *    data-max-failures (default 3) polls in a row without an answer about the
 *    card (agent stopped or hanging, pcscd gone): losing the card reader or the
 *    agent ends the session like a pulled card; the user logs in again.
 */
(function () {
  "use strict";
  if (window.__behSiths) { return; }
  window.__behSiths = true;

  var texts = {};

  function readTexts(element) {
    try { texts = JSON.parse(element.getAttribute("data-texts") || "{}") || {}; } catch (e) { texts = {}; }
  }

  function t(text) {
    // The page's language for a Swedish text of this script or the agent (the text itself if none).
    return Object.prototype.hasOwnProperty.call(texts, text) ? texts[text] : text;
  }

  function agentCall(agent, path, body, timeoutMs) {
    var options = { method: body ? "POST" : "GET", mode: "cors", credentials: "omit", cache: "no-store" };
    if (body) {
      options.headers = { "Content-Type": "application/json" };
      options.body = JSON.stringify(body);
    }
    if (timeoutMs && window.AbortController) {
      // A hanging agent must count as unreachable, not keep the poll busy forever.
      var controller = new AbortController();
      options.signal = controller.signal;
      window.setTimeout(function () { controller.abort(); }, timeoutMs);
    }
    return fetch(agent.replace(/\/$/, "") + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(t(data.message_sv || "SITHS-tjänsten svarade med ett fel."));
          error.code = data.error;
          throw error;
        }
        return data;
      });
    }, function () {
      throw new Error(t("Kunde inte nå BEH:s kortagent på din dator. Kontrollera att den är startad."));
    });
  }

  function csrfOf(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function say(element, text, isError) {
    if (!element) { return; }
    element.textContent = text;
    element.className = isError ? "error" : "hint";
  }

  function fill(form, fields) {
    Object.keys(fields).forEach(function (name) {
      form.querySelector("input[name=" + name + "]").value = fields[name];
    });
  }

  function setupLogin(form) {
    var button = document.getElementById("siths-login-button");
    var status = document.getElementById("siths-login-status");
    var agent = form.getAttribute("data-agent");
    readTexts(form);
    button.hidden = false;
    say(status, "");  // the page already says to check the card; the status speaks only when something happens
    button.addEventListener("click", function () {
      button.disabled = true;
      say(status, t("Ange din kod för identifiering i kortagenten …"));
      var challenge;
      fetch(form.getAttribute("data-challenge-url"), {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrfOf(form), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.message || t(data.message_sv || "Inloggningen kunde inte startas.")); }
          return data;
        });
      }).then(function (data) {
        challenge = data.challenge;
        return agentCall(agent, "/sign", { usage: "authentication", data_b64: data.data_b64 });
      }).then(function (signed) {
        fill(form, { challenge: challenge, signature_b64: signed.signature_b64,
                     certificate_chain_pem: signed.certificate_chain_pem });
        say(status, t("Loggar in …"));
        form.submit();
      }).catch(function (error) {
        say(status, error.message, true);
        button.disabled = false;
      });
    });
  }

  function setupSigning(form) {
    var button = document.getElementById("siths-sign-button");
    var status = document.getElementById("siths-sign-status");
    readTexts(form);
    button.hidden = false;
    say(status, t("Tänk på att använda PIN-koden för Underskrift/Signering."));
    button.addEventListener("click", function () {
      button.disabled = true;
      say(status, t("Ange din PIN-kod för Underskrift/Signering i kortagenten …"));
      agentCall(form.getAttribute("data-agent"), "/sign", {
        usage: "signing", data_b64: form.getAttribute("data-document"),
        description: form.getAttribute("data-description")
      }).then(function (signed) {
        fill(form, { signature_b64: signed.signature_b64,
                     certificate_chain_pem: signed.certificate_chain_pem });
        say(status, t("Skickar signaturen …"));
        form.submit();
      }).catch(function (error) {
        say(status, error.message, true);
        button.disabled = false;
      });
    });
  }

  function inSigningWindow() {
    // The signing page was opened by the attest page (beh.js) as a window of its own.
    try { return Boolean(window.opener && !window.opener.closed && window.opener.location.origin === window.location.origin); }
    catch (e) { return false; }
  }

  function setupClose(button) {
    // "Nu är signeringen klar": tell the attest page behind, which moves on when this window closes.
    if (inSigningWindow()) { window.opener.postMessage({ beh: "signed" }, window.location.origin); }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (inSigningWindow()) { window.close(); return; }
      window.location.assign(button.getAttribute("data-fallback"));
    });
  }

  function setupCancel(link) {
    // Avbryt in the signing window: close it; the attest page behind is still there.
    link.addEventListener("click", function (event) {
      if (!inSigningWindow()) { return; }
      event.preventDefault();
      window.close();
    });
  }

  function setupWatch(tag) {
    var agent = tag.getAttribute("data-agent");
    var interval = parseInt(tag.getAttribute("data-poll"), 10) || 1000;
    var maxFailures = parseInt(tag.getAttribute("data-max-failures"), 10) || 3;
    var timeout = Math.max(2 * interval, 2000);
    var busy = false, done = false, failures = 0;

    function cardGone(state) {
      // A reader without a card, or pcscd answering with no reader at all (the
      // reader was unplugged).
      if (state.reader) { return state.card_present === false; }
      return !state.error;
    }

    function logout(reason) {
      done = true;
      fetch(tag.getAttribute("data-logout"), {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": tag.getAttribute("data-csrf"), "Accept": "application/json",
                   "Content-Type": "application/x-www-form-urlencoded" },
        body: "reason=" + encodeURIComponent(reason)
      }).then(function (response) { return response.json(); }).then(function (data) {
        window.location.assign(data.redirect);
      }, function () { window.location.reload(); });
    }

    function failed() {
      // No answer about the card: agent stopped, hanging or erroring, or pcscd
      // unreachable.  One miss can be a hiccup; several in a row end the session.
      failures += 1;
      if (failures >= maxFailures) { logout("agent_unreachable"); }
    }

    function poll() {
      if (busy || done) { return; }
      busy = true;
      agentCall(agent, "/status", null, timeout).then(function (state) {
        busy = false;
        if (cardGone(state)) { logout("card_removed"); return; }
        if (state.error) { failed(); return; }
        failures = 0;
      }, function () { busy = false; failed(); });
    }
    poll();
    window.setInterval(poll, interval);
  }

  function start() {
    var login = document.getElementById("siths-login");
    if (login) { setupLogin(login); }
    var sign = document.getElementById("siths-sign");
    if (sign) { setupSigning(sign); }
    var close = document.getElementById("siths-close");
    if (close) { setupClose(close); }
    var cancel = document.getElementById("siths-cancel");
    if (cancel) { setupCancel(cancel); }
    var watch = document.querySelector("script[data-beh-watch]");
    if (watch) { setupWatch(watch); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
