// The agent's side of a live chat (see chat/chat-socket.js for the connection itself).
(function () {
  "use strict";
  var root = document.querySelector("[data-desk-chat]");
  if (!root || !window.CCChatSocket) { return; }
  var texts = JSON.parse(document.getElementById("desk-chat-texts").textContent);
  var log = root.querySelector("[data-desk-chat-log]");
  var typing = root.querySelector("[data-desk-chat-typing]");
  var state = root.querySelector("[data-desk-chat-state]");
  var form = root.querySelector("[data-desk-chat-form]");
  var input = root.querySelector("[data-desk-chat-input]");
  var mine = {}, typingSent = 0, typingTimer = null;
  // Said when an answer from the chat is copied into the identity form.
  var copied = document.createElement("p");
  copied.className = "usa-hint desk-chat__copied";
  copied.setAttribute("role", "status");
  typing.parentNode.insertBefore(copied, typing.nextSibling);

  // The identity form's field for one answer the server found in what the person typed
  // (only on the live message, only for the agent working the chat); none when the page has
  // no identity form (already verified, locked, or only watching).
  function identityField(hint) {
    return /^[a-z_0-9]+$/.test(hint.field) ? document.getElementById("id_identity-" + hint.field) : null;
  }

  function identityButtons(hints) {
    var usable = (hints || []).filter(identityField);
    if (!usable.length) { return null; }
    var group = document.createElement("div");
    group.className = "desk-chat__identity";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", texts.use_for_identity);
    var title = document.createElement("span");
    title.className = "desk-chat__identity-title";
    title.textContent = texts.use_for_identity + ":";
    group.appendChild(title);
    usable.forEach(function (hint) {
      var name = texts["identity_" + hint.field] || hint.field;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "usa-button usa-button--outline desk-chat__use";
      button.setAttribute("data-identity-field", hint.field);
      button.textContent = name + ": " + hint.value;
      button.addEventListener("click", function () {
        var field = identityField(hint);
        if (!field) { return; }
        field.value = hint.value;
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
        field.classList.add("desk-chat__filled");
        window.setTimeout(function () { field.classList.remove("desk-chat__filled"); }, 2000);
        copied.textContent = texts.identity_copied.replace("%(field)s", name);
      });
      group.appendChild(button);
    });
    return group;
  }

  function label(message) {
    if (message.sender === "person") { return texts.person; }
    if (message.sender === "assistant") { return texts.assistant; }
    if (message.sender === "agent") { return message.name || texts.agent; }
    return texts.notice;
  }

  function render(message) {
    var item = (message.client_id && mine[message.client_id]) || document.createElement("li");
    item.textContent = "";
    item.className = "desk-chat__message desk-chat__message--" + message.sender;
    item.setAttribute("data-id", message.id);
    var who = document.createElement("strong");
    who.textContent = label(message) + ": ";
    var body = document.createElement("span");
    // What the person typed, when masking changed it, arrives only live and only to the
    // agent working the chat; everyone else, and this page after a reload, sees the record.
    body.textContent = message.sender === "system" ? (texts[message.notice] || message.notice)
      : (message.typed || message.body);
    item.appendChild(who);
    item.appendChild(body);
    if (message.notice === "identity_passed" && document.getElementById("id_identity-receipt_number")) {
      // Verified while this page shows the identity form: a reload shows the case.
      var reload = document.createElement("a");
      reload.className = "usa-link margin-left-1";
      reload.href = window.location.pathname;
      reload.textContent = texts.show_case;
      item.appendChild(reload);
    }
    if (message.sender !== "system" && message.masked && message.masked.length) {
      var note = document.createElement("span");
      note.className = "usa-hint desk-chat__masked-note";
      note.textContent = message.typed ? texts.typed_note : texts.masked_note;
      item.appendChild(note);
    }
    var buttons = message.sender === "person" ? identityButtons(message.identity) : null;
    if (buttons) { item.appendChild(buttons); }
    if (message.sender === "agent") {
      var mark = document.createElement("span");
      mark.className = "usa-hint desk-chat__mark";
      mark.textContent = message.read ? texts.read : message.delivered ? texts.delivered : texts.sent;
      item.appendChild(mark);
    }
    if (!item.parentNode) { log.appendChild(item); }
    log.scrollTop = log.scrollHeight;
  }

  var chat = new window.CCChatSocket({
    path: root.getAttribute("data-socket"),
    side: "agent",
    onState: function (value) {
      state.textContent = value === "on" ? texts.connected
        : value === "unavailable" ? texts.unavailable : texts.reconnecting;
    },
    onEvent: function (event) {
      if (event.type === "message") {
        render(event.message);
        if (event.message.sender === "person") { typing.textContent = ""; }
        if (document.visibilityState === "visible") { chat.markRead(); }
      } else if (event.type === "typing") {
        typing.textContent = event.active ? texts.typing : "";
      } else if (event.type === "receipt" && event.by === "person") {
        Array.prototype.forEach.call(log.querySelectorAll(".desk-chat__message--agent"), function (item) {
          var mark = item.querySelector(".desk-chat__mark");
          if (Number(item.getAttribute("data-id")) <= event.up_to && mark && mark.textContent !== texts.read) {
            mark.textContent = event.kind === "read" ? texts.read : texts.delivered;
          }
        });
      } else if (event.type === "error" && event.message) {
        typing.textContent = event.message;
      }
    }
  });
  chat.connect();

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) { return; }
      input.value = "";
      var clientId = chat.say(text);
      var item = document.createElement("li");
      item.className = "desk-chat__message desk-chat__message--agent";
      item.textContent = texts.you + ": " + text + " (" + texts.sending + ")";
      mine[clientId] = item;
      log.appendChild(item);
      chat.send({ type: "typing", active: false });
      input.focus();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    input.addEventListener("input", function () {
      var now = Date.now();
      if (now - typingSent > 2000) { chat.send({ type: "typing", active: true }); typingSent = now; }
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(function () { chat.send({ type: "typing", active: false }); typingSent = 0; }, 3000);
    });
  }
  var askIdentity = root.querySelector("[data-desk-chat-identity-request]");
  if (askIdentity) {
    askIdentity.addEventListener("click", function () {
      if (!chat.send({ type: "identity_request" })) { typing.textContent = texts.reconnecting; }
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { chat.markRead(); }
  });
})();
