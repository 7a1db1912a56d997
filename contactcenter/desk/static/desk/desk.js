// Live updates for the agent desktop. The server pushes small events over /ws/desk ("board",
// "work", "assigned"); each becomes an htmx event "desk-<kind>" on <body>, and the fragments
// that care carry hx-trigger="desk-<kind> from:body" to reload themselves. Events a page
// caused itself are ignored: the page already reloaded after its own form post.
(function () {
  "use strict";
  var body = document.body;
  var path = body.getAttribute("data-desk-socket");
  if (!path || !window.WebSocket) { return; }
  var me = body.getAttribute("data-desk-user");
  var delay = 1000;

  function mark(state) {
    body.setAttribute("data-desk-live", state);
    var badge = document.getElementById("desk-live");
    if (badge) { badge.setAttribute("data-state", state); }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + path);
    socket.onopen = function () { delay = 1000; mark("on"); };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (error) { return; }
      if (!event || typeof event.kind !== "string") { return; }
      if (event.kind !== "assigned" && String(event.origin) === me) { return; }
      if (window.htmx) { window.htmx.trigger(body, "desk-" + event.kind, event); }
    };
    socket.onclose = function (closed) {
      mark("off");
      if (closed.code === 4403) { return; }  // not signed-in staff: do not retry
      if (closed.code === 1013) { delay = Math.max(delay, 3000); }  // Redis away: come back later
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
