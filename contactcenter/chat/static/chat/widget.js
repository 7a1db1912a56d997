// The public chat widget: ask the virtual assistant, then talk with a live agent over
// /ws/chat. The open button shows and hides a dialog region; Escape closes it and gives focus
// back to the button; new messages are announced through the log's aria-live region.
(function () {
  "use strict";
  var root = document.querySelector("[data-chat-widget]");
  if (!root || !window.fetch || !window.WebSocket) { return; }
  var texts = JSON.parse(document.getElementById("cc-chat-texts").textContent);
  function q(name) { return root.querySelector("[data-chat-" + name + "]"); }
  var toggle = q("toggle"), panel = q("panel"), log = q("log"), input = q("input");
  var statusBox = q("status"), statusText = q("status-text"), typing = q("typing");
  var feedback = q("feedback"), person = q("person"), offline = q("offline");
  var form = q("form"), actions = q("actions"), transcript = q("transcript");
  var liveOpen = root.getAttribute("data-live-open") === "1";
  var chat = null, phase = "assistant", mine = {}, typingTimer = null, typingSent = 0;
  var pollTimer = null;
  // The satisfaction survey a chat with an agent asks when it ends (once: after an answer,
  // or when the server says there is none waiting, it stays hidden).
  var survey = q("survey"), surveyError = root.querySelector("[data-chat-survey-error]");
  var surveyAsked = false;
  // The secure identity form (chat/identity_form.html): shown when the agent asks for it,
  // its answers sent over the socket and never rendered in the chat.
  var identity = q("identity"), identityError = root.querySelector("[data-chat-identity-error]");
  var identityPending = false;

  function identityShow(visible) {
    if (!identity) { return; }
    show(identity, visible);
    if (!visible) { identityPending = false; identityError.textContent = ""; }
  }

  function identityNotice(message) {
    if (!identity || message.sender !== "system") { return; }
    if (message.notice === "identity_form") {
      var opening = identity.hidden;
      identityShow(true);
      if (opening && !panel.hidden) { identity.querySelector("h3").focus(); }
    } else if (message.notice === "identity_passed" || message.notice === "identity_locked") {
      identity.reset();
      identityShow(false);
    }
  }

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) {
      return values && values[key] !== undefined ? String(values[key]) : "";
    });
  }

  function post(url, data) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.getAttribute("data-csrf") },
      body: JSON.stringify(data || {})
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    });
  }

  function show(element, visible) { element.hidden = !visible; }

  function notice(message) {
    var data = message.data || {};
    switch (message.notice) {
      case "agent_joined":
        return data.name ? fmt(texts.agent_joined, { name: data.name }) : texts.agent_joined_anonymous;
      case "transferred_tier2": return fmt(texts.transferred_tier2, data);
      default: return texts[message.notice] || "";
    }
  }

  function who(message) {
    if (message.sender === "person") { return texts.you; }
    if (message.sender === "assistant") { return texts.assistant; }
    if (message.sender === "agent") {
      return message.name ? fmt(texts.agent_named, { name: message.name }) : texts.agent;
    }
    return "";
  }

  function render(message) {
    var id = "cc-chat-m" + message.id;
    if (document.getElementById(id)) { return; }
    var pending = message.client_id ? mine[message.client_id] : null;
    var item = pending || document.createElement("li");
    item.id = id;
    item.setAttribute("data-id", message.id);
    item.className = "cc-chat__message cc-chat__message--" + message.sender;
    item.textContent = "";
    if (message.sender === "system") {
      item.textContent = notice(message);
    } else {
      var label = document.createElement("strong");
      label.className = "cc-chat__who";
      label.textContent = who(message) + ": ";
      var body = document.createElement("span");
      body.textContent = message.body;
      item.appendChild(label);
      item.appendChild(body);
      var links = (message.data && message.data.links) || [];
      if (links.length) {
        var list = document.createElement("ul");
        list.className = "cc-chat__links";
        links.forEach(function (link) {
          var entry = document.createElement("li"), anchor = document.createElement("a");
          anchor.href = link.url;
          anchor.textContent = link.label;
          entry.appendChild(anchor);
          list.appendChild(entry);
        });
        item.appendChild(list);
      }
      if (message.sender === "person") {
        var mark = document.createElement("span");
        mark.className = "cc-chat__mark usa-hint";
        mark.setAttribute("data-chat-mark", "");
        mark.textContent = message.read ? texts.read : message.delivered ? texts.delivered : texts.sent;
        item.appendChild(mark);
        if (message.masked && message.masked.length) {
          var warn = document.createElement("p");
          warn.className = "cc-chat__masked usa-hint";
          warn.textContent = fmt(texts.masked, { kinds: message.masked.join(", ").toLowerCase() });
          item.appendChild(warn);
        }
      }
    }
    if (!pending) { log.appendChild(item); }
    log.scrollTop = log.scrollHeight;
  }

  function pendingMessage(clientId, body) {
    var item = document.createElement("li");
    item.className = "cc-chat__message cc-chat__message--person";
    var label = document.createElement("strong");
    label.textContent = texts.you + ": ";
    var text = document.createElement("span");
    text.textContent = body;
    var mark = document.createElement("span");
    mark.className = "cc-chat__mark usa-hint";
    mark.textContent = texts.sending;
    item.appendChild(label); item.appendChild(text); item.appendChild(mark);
    mine[clientId] = item;
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function receipt(event) {
    if (event.by === "person") { return; }
    Array.prototype.forEach.call(log.querySelectorAll(".cc-chat__message--person"), function (item) {
      var id = Number(item.getAttribute("data-id"));
      var mark = item.querySelector(".cc-chat__mark");
      if (id && id <= event.up_to && mark && mark.textContent !== texts.read) {
        mark.textContent = event.kind === "read" ? texts.read : texts.delivered;
      }
    });
  }

  function setStatus(event) {
    phase = event.state;
    if (event.state === "waiting") {
      // The minutes come worded and rounded by the server's one estimate; none: cannot estimate.
      var positionText = event.wait_minutes === null || event.wait_minutes === undefined
        ? texts.position_unknown
        : event.wait_minutes === 1 ? texts.position_one_minute : texts.position;
      statusText.textContent = event.position
        ? fmt(positionText, { position: event.position, minutes: event.wait_minutes })
        : texts.waiting;
      show(statusBox, true);
      if (!pollTimer) {
        pollTimer = window.setInterval(function () { if (chat) { chat.send({ type: "status" }); } }, 15000);
      }
    } else {
      show(statusBox, false);
      if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
    }
    var withStaff = event.state === "waiting" || event.state === "active";
    show(actions, withStaff);
    if (withStaff) { show(feedback, false); show(person, false); }
    if (event.state === "ended") {
      show(form, false); show(actions, false); show(transcript, true);
      var opening = Boolean(event.survey) && survey.hidden && !surveyAsked;
      show(survey, Boolean(event.survey));
      if (opening) {
        surveyAsked = true;
        if (!panel.hidden) { q("survey-legend").focus(); }
      }
    } else {
      show(form, true); show(transcript, false); show(survey, false);
    }
  }

  function onEvent(event) {
    if (event.type === "message") {
      render(event.message);
      identityNotice(event.message);
      if (event.message.sender === "agent") { typing.textContent = ""; }
      if (!panel.hidden && document.visibilityState === "visible") { chat.markRead(); }
    } else if (event.type === "status") {
      setStatus(event);
    } else if (event.type === "typing") {
      typing.textContent = event.active ? texts.typing : "";
    } else if (event.type === "receipt") {
      receipt(event);
    } else if (event.type === "identity_result") {
      identityPending = false;
      identityError.textContent = event.passed || event.locked ? "" : texts.identity_failed;
    } else if (event.type === "error" && event.message && identityPending) {
      identityPending = false;
      identityError.textContent = event.message;
    } else if (event.type === "error" && event.message) {
      typing.textContent = event.message;
    }
  }

  function ensureSocket() {
    if (chat) { return; }
    chat = new window.CCChatSocket({
      path: root.getAttribute("data-socket"),
      side: "person",
      storeKey: "cc-chat-outbox",
      onEvent: onEvent,
      onState: function (state) {
        root.setAttribute("data-chat-live", state);
        if (state === "unavailable" && phase !== "ended") {
          typing.textContent = texts.unavailable;
        } else if (state === "off" && phase !== "ended" && phase !== "assistant") {
          typing.textContent = texts.reconnecting;
        } else if (state === "on" && (typing.textContent === texts.reconnecting ||
                                      typing.textContent === texts.unavailable)) {
          typing.textContent = "";
        }
      }
    });
    chat.connect();
  }

  function showOffline() {
    show(offline, true);
    show(person, false);
  }

  function handoff() {
    show(feedback, false);
    post(root.getAttribute("data-handoff-url")).then(function (result) {
      if (result.ok) {
        ensureSocket();
        setStatus(result.body);
      } else if (result.body.offline) {
        liveOpen = false;
        showOffline();
      } else {
        typing.textContent = result.body.message || texts.error;
      }
    }, function () { typing.textContent = texts.error; });
  }

  function ask(question) {
    show(feedback, false); show(person, false);
    post(root.getAttribute("data-ask-url"), { question: question }).then(function (result) {
      if (!result.ok) { typing.textContent = result.body.message || texts.error; return; }
      typing.textContent = "";
      render(result.body.question);
      render(result.body.reply);
      ensureSocket();
      liveOpen = result.body.live_open;
      if (result.body.handoff) {
        if (liveOpen) { handoff(); } else { showOffline(); }
      } else {
        show(feedback, true);
      }
    }, function () { typing.textContent = texts.error; });
  }

  function openPanel() {
    show(panel, true);
    toggle.setAttribute("aria-expanded", "true");
    input.focus();
    if (chat) { chat.markRead(); }
  }

  function closePanel() {
    show(panel, false);
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  }

  toggle.addEventListener("click", function () { if (panel.hidden) { openPanel(); } else { closePanel(); } });
  q("close").addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); closePanel(); }
  });
  q("yes").addEventListener("click", function () {
    show(feedback, false);
    typing.textContent = texts.thanks;
  });
  q("no").addEventListener("click", function () {
    show(feedback, false);
    if (liveOpen) { show(person, true); q("handoff").focus(); } else { showOffline(); }
  });
  q("handoff").addEventListener("click", handoff);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    if (phase === "waiting" || phase === "active") {
      var clientId = chat.say(text);
      pendingMessage(clientId, text);
      chat.send({ type: "typing", active: false });
    } else {
      ask(text);
    }
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  input.addEventListener("input", function () {
    if (!chat || (phase !== "waiting" && phase !== "active")) { return; }
    var now = Date.now();
    if (now - typingSent > 2000) { chat.send({ type: "typing", active: true }); typingSent = now; }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () {
      chat.send({ type: "typing", active: false }); typingSent = 0;
    }, 3000);
  });
  if (identity) {
    identity.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      ["receipt_number", "date_of_birth", "zip_code", "a_number_last4"].forEach(function (name) {
        answers[name] = identity.querySelector("[name=" + name + "]").value.trim();
      });
      if (!chat || !chat.send({ type: "identity", answers: answers })) {
        identityError.textContent = texts.reconnecting;
        return;
      }
      identityPending = true;
      identityError.textContent = texts.identity_sending;
    });
    root.querySelector("[data-chat-identity-cancel]").addEventListener("click", function () {
      identity.reset();
      identityShow(false);
      input.focus();
    });
  }
  q("end").addEventListener("click", function () {
    post(root.getAttribute("data-end-url")).then(function (result) {
      if (result.ok) { setStatus(result.body); }
    });
  });
  survey.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = survey.querySelector("input[name=score]:checked");
    if (!chosen) {
      surveyError.textContent = texts.survey_choose;
      survey.querySelector("input[name=score]").focus();
      return;
    }
    var comment = survey.querySelector("textarea[name=comment]").value;
    post(root.getAttribute("data-survey-url"), { score: chosen.value, comment: comment }).then(
      function (result) {
        if (result.ok) {
          survey.reset(); surveyError.textContent = ""; show(survey, false);
          typing.textContent = texts.survey_thanks;
          transcript.querySelector("input[name=email]").focus();
        } else {
          surveyError.textContent = result.body.message || texts.error;
        }
      }, function () { surveyError.textContent = texts.error; });
  });
  transcript.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = transcript.querySelector("input[name=email]").value;
    post(root.getAttribute("data-transcript-url"), { email: email }).then(function (result) {
      typing.textContent = result.ok ? "✓" : (result.body.message || texts.error);
    });
  });
  q("restart").addEventListener("click", function () {
    post(root.getAttribute("data-restart-url")).then(function (result) {
      if (chat) { chat.stop(); chat = null; }
      log.textContent = "";
      survey.reset(); surveyError.textContent = ""; surveyAsked = false;
      phase = "assistant";
      liveOpen = result.body.live_open;
      setStatus({ state: "assistant" });
      show(offline, !liveOpen);
      input.focus();
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (chat && !panel.hidden && document.visibilityState === "visible") { chat.markRead(); }
  });

  root.hidden = false;
  if (root.getAttribute("data-has-chat") === "1") { ensureSocket(); }
})();
