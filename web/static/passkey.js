// Passkeys for sendcase: the only script in the UI, because WebAuthn is a
// browser API. It asks the server for a ceremony's options, lets the
// browser make or use the passkey, and sends the answer back.
(function () {
  "use strict";

  function fromB64(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    return Uint8Array.from(atob(s), function (c) { return c.charCodeAt(0); }).buffer;
  }
  function toB64(buf) {
    var s = "", b = new Uint8Array(buf);
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {})
    }).then(function (res) {
      return res.json().then(function (j) {
        if (!res.ok) throw new Error(j.error || "Something went wrong. Please try again.");
        return j;
      });
    });
  }
  function show(msg) {
    var e = document.getElementById("passkey-error");
    e.textContent = msg;
    e.hidden = false;
  }
  function cancelled(err) {
    return err && (err.name === "NotAllowedError" || err.name === "AbortError");
  }
  function credentialJSON(c) {
    var out = { id: c.id, rawId: toB64(c.rawId), type: c.type, response: {} };
    out.response.clientDataJSON = toB64(c.response.clientDataJSON);
    if (c.response.attestationObject) {
      out.response.attestationObject = toB64(c.response.attestationObject);
      if (c.response.getTransports) out.response.transports = c.response.getTransports();
    }
    if (c.response.authenticatorData) {
      out.response.authenticatorData = toB64(c.response.authenticatorData);
      out.response.signature = toB64(c.response.signature);
      if (c.response.userHandle) out.response.userHandle = toB64(c.response.userHandle);
    }
    out.clientExtensionResults = c.getClientExtensionResults ? c.getClientExtensionResults() : {};
    if (c.authenticatorAttachment) out.authenticatorAttachment = c.authenticatorAttachment;
    return out;
  }

  var signIn = document.getElementById("passkey-sign-in");
  if (signIn) {
    signIn.addEventListener("click", function () {
      var next = document.getElementById("passkey").dataset.next || "/ui/";
      post("/ui/login/passkey/options").then(function (c) {
        var o = c.options.publicKey;
        o.challenge = fromB64(o.challenge);
        (o.allowCredentials || []).forEach(function (a) { a.id = fromB64(a.id); });
        return navigator.credentials.get({ publicKey: o }).then(function (cred) {
          return post("/ui/login/passkey", { ceremony: c.ceremony, next: next, response: credentialJSON(cred) });
        });
      }).then(function (done) { window.location.assign(done.next); }, function (err) {
        show(cancelled(err) ? "Signing in with a passkey was cancelled or timed out. Try again." : err.message);
      });
    });
  }

  var create = document.getElementById("passkey-create");
  if (create) {
    create.addEventListener("click", function () {
      var base = window.location.pathname;
      var name = document.getElementById("passkey-name").value;
      post(base + "/options").then(function (c) {
        var o = c.options.publicKey;
        o.challenge = fromB64(o.challenge);
        o.user.id = fromB64(o.user.id);
        (o.excludeCredentials || []).forEach(function (a) { a.id = fromB64(a.id); });
        return navigator.credentials.create({ publicKey: o }).then(function (cred) {
          return post(base, { ceremony: c.ceremony, name: name, response: credentialJSON(cred) });
        });
      }).then(function (done) { window.location.assign(done.next); }, function (err) {
        show(cancelled(err) ? "Setting up the passkey was cancelled or timed out. Try again." : err.message);
      });
    });
  }
})();
