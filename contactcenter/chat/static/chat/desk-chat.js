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
    body.textContent = message.sender === "system" ? (texts[message.notice] || message.notice) : message.body;
    item.appendChild(who);
    item.appendChild(body);
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
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { chat.markRead(); }
  });
})();
