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

// The workspace (desk/workspace.html): the offer's countdown and the after-contact timer,
// counted against the server's clock; a short tone and, when the tab is hidden, a browser
// notification for a new offer (permission asked only from the "Turn on notifications"
// button); and keyboard shortcuts read from data-shortcut attributes, listed from the same
// attributes so the list is always what the page offers.
(function () {
  "use strict";
  var body = document.body;
  if (!document.querySelector(".desk-workspace")) { return; }
  var offset = 0;  // server seconds minus this browser's seconds
  var seenKey = "desk-offer-seen";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + pad(m) : m) + ":" + pad(s);
  }
  function serverNow() { return Date.now() / 1000 + offset; }

  function readServerClock(root) {
    var marked = root.querySelector("[data-server-now]");
    var now = marked && Number(marked.getAttribute("data-server-now"));
    if (now) { offset = now - Date.now() / 1000; }
  }

  function tick() {
    var now = serverNow();
    document.querySelectorAll("[data-offer-deadline]").forEach(function (offer) {
      var left = Number(offer.getAttribute("data-offer-deadline")) - now;
      var box = offer.querySelector("[data-offer-countdown]");
      var value = offer.querySelector("[data-countdown-value]");
      if (!box || !value) { return; }
      box.hidden = false;
      value.textContent = clock(left);
      box.classList.toggle("is-urgent", left <= 10);
    });
    document.querySelectorAll("[data-timer-since]").forEach(function (timer) {
      var value = timer.querySelector("[data-timer-value]");
      if (value) { value.textContent = clock(now - Number(timer.getAttribute("data-timer-since"))); }
    });
  }

  // --- a new offer: a tone, and a notification while the tab is hidden ---------------------
  var audio = null;
  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return null; }
    if (!audio) { audio = new Context(); }
    return audio;
  }
  // Browsers start sound only after the person has used the page: unlock it on first use.
  function unlock() {
    var context = audioContext();
    if (context && context.state === "suspended") { context.resume(); }
  }
  document.addEventListener("pointerdown", unlock, { once: true });
  document.addEventListener("keydown", unlock, { once: true });

  function tone() {
    var context = audioContext();
    if (!context) { return; }
    if (context.state === "suspended") { context.resume(); }
    [880, 660].forEach(function (frequency, index) {
      var start = context.currentTime + index * 0.18;
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.17);
    });
    body.setAttribute("data-desk-tone", String(Date.now()));  // for tests and the curious
  }

  function announce(offer) {
    var id = offer.getAttribute("data-offer");
    var seen;
    try { seen = window.sessionStorage.getItem(seenKey); } catch (error) { seen = null; }
    if (seen === id) { return; }
    try { window.sessionStorage.setItem(seenKey, id); } catch (error) { /* private mode */ }
    tone();
    if (document.hidden && "Notification" in window && Notification.permission === "granted") {
      var workspace = document.querySelector(".desk-workspace");
      var note = new Notification(workspace.getAttribute("data-notify-title") || "", {
        body: offer.getAttribute("data-offer-summary") || "", tag: "desk-offer-" + id,
      });
      note.onclick = function () { window.focus(); note.close(); };
    }
  }

  function notifyButton(root) {
    root.querySelectorAll("[data-desk-notify]").forEach(function (button) {
      if (!("Notification" in window) || Notification.permission !== "default") { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        unlock();
        Notification.requestPermission().then(function () {
          document.querySelectorAll("[data-desk-notify]").forEach(function (b) {
            b.hidden = Notification.permission !== "default";
          });
        });
      });
    });
  }

  function refresh(root) {
    readServerClock(root);
    notifyButton(root);
    var offer = root.querySelector("[data-offer]");
    if (offer) { announce(offer); }
    tick();
  }

  // --- keyboard shortcuts ------------------------------------------------------------------
  function keyOf(event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && /^Key[A-Z]$/.test(event.code)) {
      return "alt+" + event.code.slice(3).toLowerCase();
    }
    if (!event.altKey && !event.ctrlKey && !event.metaKey && event.key === "?") { return "?"; }
    return "";
  }
  function typing(target) {
    return target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function visible(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length) ||
      element.tagName === "DETAILS";
  }
  function shortcutTargets() {
    var found = {}, order = [];
    document.querySelectorAll("[data-shortcut]").forEach(function (element) {
      var key = element.getAttribute("data-shortcut");
      if (found[key] || !visible(element)) { return; }
      found[key] = element;
      order.push(key);
    });
    return { found: found, order: order };
  }
  function label(key) {
    return key.split("+").map(function (part) {
      return part === "alt" ? "Alt" : part.toUpperCase();
    });
  }
  function act(element) {
    if (element.hasAttribute("data-shortcuts-open")) { openList(); return; }
    // A tool's key may sit on its <summary>: open the tool rather than toggle it.
    if (element.tagName === "SUMMARY" && element.parentElement && element.parentElement.tagName === "DETAILS") {
      element = element.parentElement;
    }
    if (element.tagName === "DETAILS") {
      element.open = true;
      var field = element.querySelector("input:not([type=hidden]), textarea, select, button");
      element.scrollIntoView({ block: "nearest" });
      if (field) { field.focus(); }
      return;
    }
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName)) {
      element.scrollIntoView({ block: "nearest" });
      element.focus();
      return;
    }
    element.click();
  }

  var dialog = document.getElementById("desk-shortcuts");
  function openList() {
    if (!dialog) { return; }
    var list = dialog.querySelector("[data-shortcut-list]");
    var targets = shortcutTargets();
    list.textContent = "";
    targets.order.forEach(function (key) {
      var row = document.createElement("tr");
      row.setAttribute("data-shortcut-row", key);
      var keys = document.createElement("td");
      label(key).forEach(function (part, index) {
        if (index) { keys.appendChild(document.createTextNode(" + ")); }
        var kbd = document.createElement("kbd");
        kbd.textContent = part;
        keys.appendChild(kbd);
      });
      var what = document.createElement("td");
      what.textContent = targets.found[key].getAttribute("data-shortcut-label") || "";
      row.appendChild(keys);
      row.appendChild(what);
      list.appendChild(row);
    });
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
  }

  document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", openList);
  });
  document.addEventListener("keydown", function (event) {
    var key = keyOf(event);
    if (!key || (dialog && dialog.open)) { return; }
    if (key === "?" && typing(event.target)) { return; }  // typing a question mark
    var element = shortcutTargets().found[key];
    if (!element) { return; }
    event.preventDefault();
    act(element);
  });
  // Screen readers announce the keys on each element.
  function describe(root) {
    root.querySelectorAll("[data-shortcut]").forEach(function (element) {
      element.setAttribute("aria-keyshortcuts", label(element.getAttribute("data-shortcut")).join("+"));
    });
  }

  // --- the keyboard's place across a live redraw -------------------------------------------
  // Live events redraw "My work" (htmx). When the focus was in what is redrawn, it would fall
  // back to the top of the page; put it on the same control drawn again (same text, link or
  // value), else on a new offer's Accept, else on the pane's heading, so Tab goes on from there.
  var placeBefore = null;
  body.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail && event.detail.target;
    placeBefore = active && active !== body && target && target.contains(active) ? active : null;
  });
  function samePlace(root, old) {
    var found = null;
    root.querySelectorAll(old.tagName).forEach(function (candidate) {
      if (!found && candidate.textContent.trim() === old.textContent.trim() &&
          candidate.getAttribute("href") === old.getAttribute("href") &&
          candidate.getAttribute("value") === old.getAttribute("value")) { found = candidate; }
    });
    return found;
  }
  function keepPlace(root) {
    var old = placeBefore;
    placeBefore = null;
    if (!old || document.body.contains(old)) { return; }
    if (document.activeElement && document.activeElement !== body) { return; }  // htmx kept it
    var next = samePlace(root, old) || root.querySelector('[data-shortcut="alt+a"]') ||
      document.getElementById("pane-work-heading");
    if (next) { next.focus(); }
  }

  // --- the transfer tool's list, drawn again each time the tool opens ---------------------
  // Colleagues come to the desk and leave while the page is open: the list is fetched anew,
  // and its options replace the old ones in the same <select>, so the focus and a choice
  // still offered stay where they are.
  document.querySelectorAll("[data-transfer-targets]").forEach(function (tool) {
    tool.addEventListener("toggle", function () {
      var select = tool.querySelector("select");
      if (!tool.open || !select || !window.fetch) { return; }
      window.fetch(tool.getAttribute("data-transfer-targets"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          var fresh = html && new DOMParser().parseFromString(html, "text/html").querySelector("select");
          if (!fresh) { return; }
          var chosen = select.value;
          select.replaceChildren.apply(select, Array.prototype.slice.call(fresh.children));
          select.value = chosen;
          if (select.value !== chosen) { select.value = ""; }
          tool.setAttribute("data-transfer-targets-drawn", String(Date.now()));
        })
        .catch(function () { /* the list drawn with the page stays */ });
    });
  });

  // --- forms answered with a fragment (presence, a note, a resolution) -------------------
  // The server says "desk-form-done" (HX-Trigger) when the action was done: the form that
  // asked clears what was typed. A refusal leaves the text in place to be corrected.
  body.addEventListener("desk-form-done", function (event) {
    if (event.target && event.target.tagName === "FORM") { event.target.reset(); }
  });

  describe(document);
  refresh(document);
  window.setInterval(tick, 1000);
  body.addEventListener("htmx:afterSwap", function (event) {
    describe(event.target);
    refresh(event.target);
    keepPlace(event.target);
  });
  // Parts an answer replaced out of band ("My work" after a resolution): the same, page-wide.
  body.addEventListener("htmx:oobAfterSwap", function () {
    describe(document);
    refresh(document);
  });
})();

// The wallboard (desk/wallboard.html). Live events come in bursts on a busy day, so the board
// reloads at once for the first, then at most once every REFRESH_EVERY_MS while they keep
// coming, and once more after the last (a leading and trailing throttle; htmx's own throttle
// drops the trailing one). After each reload, the alert's text goes to the polite live region
// when it changed, so a screen reader hears a queue fall below its target (or come back) once,
// not on every refresh.
(function () {
  "use strict";
  var board = document.getElementById("wallboard");
  var announcer = document.getElementById("wallboard-announcer");
  if (!board || !announcer) { return; }
  var REFRESH_EVERY_MS = 3000;
  var timer = null, pending = false;

  function refresh() { if (window.htmx) { window.htmx.trigger(board, "wallboard-refresh"); } }
  function tick() {
    if (pending) { pending = false; refresh(); timer = window.setTimeout(tick, REFRESH_EVERY_MS); }
    else { timer = null; }
  }
  document.body.addEventListener("desk-board", function () {
    if (timer) { pending = true; return; }
    refresh();
    timer = window.setTimeout(tick, REFRESH_EVERY_MS);
  });

  function source() {
    var element = board.querySelector("[data-wallboard-announce]");
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }
  var last = source();
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== board) { return; }
    var now = source();
    if (now !== last) { announcer.textContent = now; last = now; }
  });
})();
