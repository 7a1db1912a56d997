// Agent tools on the inquiry page (desk/_canned_replies.html, desk/_knowledge_search.html):
// fetch a canned reply filled for this inquiry, or search the knowledge base, and put the text
// into the chat's reply box (#desk-chat-input) at the cursor. Without a reply box (a call) the
// text is shown to be read out. Alt+C and Alt+K open the tools (data-shortcut on each summary);
// Escape closes the one in use. Loaded by both partials: it runs once.
(function () {
  "use strict";
  if (window.deskReplyTools) { return; }
  window.deskReplyTools = true;

  var REPLY_BOX = "desk-chat-input";

  function status(tool, text, isError) {
    var line = tool.querySelector("[data-reply-tool-status]");
    if (!line) { return; }
    line.textContent = text || "";
    line.classList.toggle("desk-tool__status--error", Boolean(isError));
  }

  function insert(tool, text) {
    var box = document.getElementById(REPLY_BOX);
    var preview = tool.querySelector("[data-reply-tool-preview]");
    if (!box || box.disabled || box.readOnly) {
      if (preview) {
        preview.hidden = false;
        preview.querySelector("[data-reply-tool-text]").textContent = text;
      }
      return;
    }
    var start = typeof box.selectionStart === "number" ? box.selectionStart : box.value.length;
    var end = typeof box.selectionEnd === "number" ? box.selectionEnd : start;
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    var gap = before && !/\s$/.test(before) ? " " : "";
    box.value = before + gap + text + after;
    var caret = (before + gap + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    status(tool, tool.getAttribute("data-text-inserted"));
  }

  function getJson(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        return { ok: response.ok, body: body };
      }, function () {
        return { ok: false, body: {} };
      });
    });
  }

  // --- Canned replies ---------------------------------------------------------------------

  function cannedReplies(tool) {
    tool.addEventListener("click", function (event) {
      var button = event.target.closest("[data-reply-url]");
      if (!button) { return; }
      button.disabled = true;
      status(tool, "");
      getJson(button.getAttribute("data-reply-url")).then(function (answer) {
        if (answer.ok && typeof answer.body.text === "string") {
          insert(tool, answer.body.text);
        } else {
          status(tool, answer.body.message || tool.getAttribute("data-text-failed"), true);
        }
      }, function () {
        status(tool, tool.getAttribute("data-text-failed"), true);
      }).then(function () { button.disabled = false; });
    });
  }

  // --- Knowledge base ---------------------------------------------------------------------

  function fillResult(item, result) {
    item.querySelector('[data-field="title"]').textContent = result.title;
    item.querySelector('[data-field="snippet"]').textContent = result.snippet;
    var link = item.querySelector('[data-field="link"]');
    var first = result.links && result.links[0];
    if (first) {
      link.textContent = first.label;
      link.href = first.url;
    } else {
      link.parentNode.remove();
      item.querySelector('[data-insert="link"]').remove();
    }
    Array.prototype.forEach.call(item.querySelectorAll("[data-insert]"), function (button) {
      button.setAttribute("aria-label", button.textContent.trim() + ": " + result.title);
      button.addEventListener("click", function () {
        var tool = item.closest(".desk-tool");
        if (button.getAttribute("data-insert") === "link" && first) {
          insert(tool, first.label + ": " + first.url);
        } else {
          insert(tool, result.text);
        }
      });
    });
  }

  function knowledgeSearch(tool) {
    var form = tool.querySelector("[data-knowledge-form]");
    var list = tool.querySelector("[data-knowledge-results]");
    var template = tool.querySelector("template[data-knowledge-result]");
    if (!form || !list || !template) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = form.elements.q.value.trim();
      if (!query) { form.elements.q.focus(); return; }
      var url = form.action + "?" + new URLSearchParams({
        q: query, language: form.elements.language.value
      }).toString();
      list.textContent = "";
      status(tool, "");
      getJson(url).then(function (answer) {
        if (!answer.ok) {
          status(tool, answer.body.message || tool.getAttribute("data-text-failed"), true);
          return;
        }
        var results = answer.body.results || [];
        if (!results.length) {
          status(tool, tool.getAttribute("data-text-none"));
          return;
        }
        status(tool, tool.getAttribute("data-text-found") + " " + results.length);
        results.forEach(function (result) {
          var item = template.content.firstElementChild.cloneNode(true);
          item.lang = answer.body.language;
          fillResult(item, result);
          list.appendChild(item);
        });
      }, function () {
        status(tool, tool.getAttribute("data-text-failed"), true);
      });
    });
  }

  // --- Keyboard ---------------------------------------------------------------------------

  function open(summary) {
    var tool = summary.parentElement;
    tool.open = true;
    var first = tool.querySelector("input[type=search], [data-reply-url]");
    (first || summary).focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) { return; }
    if (event.key === "Escape") {
      var inside = event.target.closest && event.target.closest("details.desk-tool[open]");
      if (inside) {
        inside.open = false;
        inside.querySelector("summary").focus();
        event.preventDefault();
      }
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    // The physical key, so Alt+C works where Alt types a character (macOS: "ç").
    var code = event.code || "";
    var key = code.indexOf("Key") === 0 ? code.slice(3).toLowerCase() : String(event.key).toLowerCase();
    if (!/^[a-z0-9]$/.test(key)) { return; }
    var summary = document.querySelector('details.desk-tool > summary[data-shortcut="alt+' + key + '"]');
    if (!summary) { return; }
    event.preventDefault();
    open(summary);
  });

  Array.prototype.forEach.call(document.querySelectorAll("details.desk-tool"), function (tool) {
    var kind = tool.getAttribute("data-reply-tool");
    if (kind === "replies") { cannedReplies(tool); }
    if (kind === "knowledge") { knowledgeSearch(tool); }
  });
})();
