// One chat connection, shared by the public widget and the agent desktop: it reconnects with
// back-off, asks for everything after the last message id it saw (so a dropped connection or
// a reload loses nothing), keeps unsent messages in sessionStorage until the server has stored
// them, and sends delivered and read marks for the other side's messages. A close with 1013
// ("try again later": the server's Redis is away) reports the state "unavailable" and waits
// longer before the next try.
(function () {
  "use strict";

  var TRY_AGAIN_LATER = 1013;

  function ChatSocket(options) {
    this.path = options.path;
    this.side = options.side;               // "person" or "agent"
    this.onEvent = options.onEvent;         // called with every server event
    this.onState = options.onState || function () {};
    this.storeKey = options.storeKey || ("cc-chat-outbox:" + options.path);
    this.lastId = 0;
    this.seen = {};
    this.delay = 1000;
    this.socket = null;
    this.stopped = false;
    this.outbox = [];
    try { this.outbox = JSON.parse(window.sessionStorage.getItem(this.storeKey) || "[]"); }
    catch (error) { this.outbox = []; }
  }

  ChatSocket.prototype.connect = function () {
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + self.path);
    self.socket = socket;
    socket.onopen = function () {
      self.delay = 1000;
      self.onState("on");
      socket.send(JSON.stringify({ type: "hello", after: self.lastId }));
      self.outbox.forEach(function (item) { socket.send(JSON.stringify(item)); });
    };
    socket.onmessage = function (raw) {
      var event;
      try { event = JSON.parse(raw.data); } catch (error) { return; }
      if (event.type === "message") {
        var message = event.message;
        if (message.client_id) { self._sent(message.client_id); }
        if (self.seen[message.id]) { return; }
        self.seen[message.id] = true;
        self.lastId = Math.max(self.lastId, message.id);
        if (message.sender !== self.side && message.sender !== "system") {
          self.send({ type: "delivered", up_to: message.id });
        }
      }
      self.onEvent(event);
    };
    socket.onclose = function (closed) {
      var later = closed.code === TRY_AGAIN_LATER;
      self.onState(later ? "unavailable" : "off");
      if (self.stopped || closed.code === 4404) { return; }
      if (later) { self.delay = Math.max(self.delay, 3000); }
      window.setTimeout(function () { self.connect(); }, self.delay);
      self.delay = Math.min(self.delay * 2, 15000);
    };
  };

  ChatSocket.prototype.open = function () {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  };

  ChatSocket.prototype.send = function (payload) {
    if (this.open()) { this.socket.send(JSON.stringify(payload)); return true; }
    return false;
  };

  ChatSocket.prototype.say = function (body) {
    var item = {
      type: "message",
      body: body,
      client_id: String(Date.now()) + "-" + Math.random().toString(36).slice(2, 10)
    };
    this.outbox.push(item);
    this._save();
    this.send(item);
    return item.client_id;
  };

  ChatSocket.prototype._sent = function (clientId) {
    var before = this.outbox.length;
    this.outbox = this.outbox.filter(function (item) { return item.client_id !== clientId; });
    if (this.outbox.length !== before) { this._save(); }
  };

  ChatSocket.prototype._save = function () {
    try { window.sessionStorage.setItem(this.storeKey, JSON.stringify(this.outbox)); }
    catch (error) { /* private browsing: the outbox lives only in memory */ }
  };

  ChatSocket.prototype.markRead = function () {
    if (this.lastId) { this.send({ type: "read", up_to: this.lastId }); }
  };

  ChatSocket.prototype.stop = function () {
    this.stopped = true;
    if (this.socket) { this.socket.close(); }
  };

  window.CCChatSocket = ChatSocket;
})();
