/* Security keys and passkeys (WebAuthn; ADR 0021). Loaded only by the pages that use it;
   no inline script: the server's options arrive in a <script type="application/json">
   data block, and the browser's answer goes back in an ordinary form field.

   A button[data-webauthn="register" | "authenticate"] names its options block in
   data-options. Without JavaScript (or WebAuthn) the button stays hidden and the page
   offers the authenticator-app code instead. */
(function () {
  "use strict";

  function toBuffer(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i += 1) {
      raw += String.fromCharCode(bytes[i]);
    }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBuffer(item.id), transports: item.transports };
    });
  }

  async function register(options) {
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    var credential = await navigator.credentials.create({ publicKey: options });
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        attestationObject: toText(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : [],
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  async function authenticate(options) {
    options.challenge = toBuffer(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    var credential = await navigator.credentials.get({ publicKey: options });
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        authenticatorData: toText(response.authenticatorData),
        signature: toText(response.signature),
        userHandle: response.userHandle ? toText(response.userHandle) : null,
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  function enhance(button) {
    if (!window.PublicKeyCredential) {
      return;
    }
    var form = button.closest("form");
    var status = form.querySelector("[data-webauthn-status]");
    if (status) {
      status.textContent = "";
    }
    button.hidden = false;
    button.addEventListener("click", async function () {
      var options = JSON.parse(document.getElementById(button.dataset.options).textContent);
      try {
        var answer =
          button.dataset.webauthn === "register"
            ? await register(options)
            : await authenticate(options);
        form.elements.credential.value = JSON.stringify(answer);
        form.submit();
      } catch (error) {
        if (status) {
          status.textContent =
            "Your browser or key did not answer (" + error.name + "). Try again, or use a code.";
        }
      }
    });
  }

  document.querySelectorAll("button[data-webauthn]").forEach(enhance);
})();
