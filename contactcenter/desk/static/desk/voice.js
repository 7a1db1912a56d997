// The browser phone: Twilio's Voice JavaScript SDK (static/vendor/twilio/twilio.min.js) takes
// the calls an agent accepts when their calls ring in this browser. The page asks the desk for
// an access token (POST data-token-url), registers a Twilio.Device with it, asks for a new one
// before it expires, and shows an incoming call with answer, hang up and mute. If the device
// has not registered within 15 seconds (no network to Twilio, a refused token), it says so.
(function () {
  "use strict";
  var root = document.getElementById("voice-phone");
  if (!root) { return; }
  var REGISTER_TIMEOUT_MS = 15000;
  var statusLine = document.getElementById("voice-status");
  var answerButton = root.querySelector('[data-voice="answer"]');
  var hangupButton = root.querySelector('[data-voice="hangup"]');
  var muteButton = root.querySelector('[data-voice="mute"]');
  var device = null;
  var call = null;
  var registered = false;
  var refreshTimer = null;
  var deadline = null;

  function text(name) { return root.getAttribute("data-text-" + name) || ""; }

  function show(state) {
    root.setAttribute("data-state", state);
    statusLine.textContent = text(state);
    var ringing = state === "incoming";
    var talking = state === "on-call" || state === "muted";
    answerButton.parentNode.hidden = !ringing;
    hangupButton.parentNode.hidden = !(ringing || talking);
    muteButton.parentNode.hidden = !talking;
    muteButton.setAttribute("aria-pressed", state === "muted" ? "true" : "false");
    muteButton.textContent = text(state === "muted" ? "unmute" : "mute");
  }

  function failed(reason) {
    if (window.console && reason) { window.console.warn("browser phone:", String(reason.message || reason)); }
    window.clearTimeout(deadline);
    window.clearTimeout(refreshTimer);
    var gone = device;
    device = null;
    registered = false;
    if (gone) {
      try { gone.destroy(); } catch (error) { /* already gone */ }
    }
    show("failed");
  }

  function fetchToken() {
    return window.fetch(root.getAttribute("data-token-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": root.getAttribute("data-csrf"), "Accept": "application/json" },
    }).then(function (response) {
      if (!response.ok) { throw new Error("token refused: " + response.status); }
      return response.json();
    });
  }

  // A new token a minute before this one ends (or at four fifths of a short one).
  function scheduleRefresh(ttlSeconds) {
    var lead = Math.min(60, ttlSeconds / 5);
    refreshTimer = window.setTimeout(function () {
      fetchToken().then(function (data) {
        if (!device) { return; }
        device.updateToken(data.token);
        scheduleRefresh(data.ttl_seconds);
      }).catch(failed);
    }, Math.max(1, ttlSeconds - lead) * 1000);
  }

  function endCall() {
    call = null;
    show(registered ? "ready" : "failed");
  }

  function incoming(offered) {
    if (call) { offered.reject(); return; }  // one call at a time
    call = offered;
    offered.on("accept", function () { show("on-call"); });
    offered.on("mute", function (muted) { show(muted ? "muted" : "on-call"); });
    offered.on("disconnect", endCall);
    offered.on("cancel", endCall);
    offered.on("reject", endCall);
    offered.on("error", endCall);
    show("incoming");
  }

  answerButton.addEventListener("click", function () { if (call) { call.accept(); } });
  hangupButton.addEventListener("click", function () {
    if (!call) { return; }
    if (root.getAttribute("data-state") === "incoming") { call.reject(); } else { call.disconnect(); }
  });
  muteButton.addEventListener("click", function () { if (call) { call.mute(!call.isMuted()); } });

  show("connecting");
  if (!window.Twilio || !window.Twilio.Device || !window.fetch) { failed("no SDK"); return; }
  deadline = window.setTimeout(function () {
    if (!registered) { failed("not registered in time"); }
  }, REGISTER_TIMEOUT_MS);

  fetchToken().then(function (data) {
    device = new window.Twilio.Device(data.token, { closeProtection: true });
    device.on("registered", function () {
      registered = true;
      window.clearTimeout(deadline);
      if (!call) { show("ready"); }
    });
    // Registration lost (the network to Twilio went away): calls no longer reach this page.
    device.on("unregistered", function () { if (registered && !call) { failed("unregistered"); } });
    device.on("error", function (error) { if (!registered) { failed(error); } });
    device.on("incoming", incoming);
    scheduleRefresh(data.ttl_seconds);
    return device.register();
  }).catch(failed);
})();
