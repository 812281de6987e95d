/*
 * presschat widget: one script tag puts a chat about the press releases on any page.
 *
 *   <script src="https://presschat.example/widget.js" data-title="Ask the press office" defer></script>
 *
 * Optional attributes: data-token (the server's access token), data-lang (en, ru or kk: only
 * releases in that language), data-server (the server's address, if not where the script is).
 * Everything lives in a Shadow DOM, so the page's CSS and the widget's never mix. Text from the
 * server is only ever set as text, never parsed as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__presschatWidget) return;
  window.__presschatWidget = true;

  var server = (script.dataset.server || new URL(script.src, location.href).origin).replace(/\/$/, "");
  var title = script.dataset.title || "Ask the press office";
  var token = script.dataset.token || "";
  var lang = script.dataset.lang || "";
  var history = [];
  var busy = false;

  var STYLE = [
    ":host { all: initial; }",
    "* { box-sizing: border-box; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }",
    ".launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 56px; height: 56px;",
    "  border-radius: 50%; border: 0; background: #1d4ed8; color: #fff; font-size: 26px; cursor: pointer;",
    "  box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".panel { position: fixed; right: 20px; bottom: 88px; z-index: 2147483000; width: 380px; height: 560px;",
    "  max-height: calc(100vh - 110px); display: flex; flex-direction: column; background: #fff; color: #111827;",
    "  border: 1px solid #d1d5db; border-radius: 12px; box-shadow: 0 10px 30px rgba(0,0,0,.25); overflow: hidden;",
    "  font-size: 14px; line-height: 1.45; }",
    ".panel[hidden] { display: none; }",
    "header { display: flex; align-items: center; justify-content: space-between; padding: 10px 14px;",
    "  background: #1d4ed8; color: #fff; font-weight: 600; }",
    "header button { background: none; border: 0; color: #fff; font-size: 22px; cursor: pointer; line-height: 1; }",
    ".log { flex: 1; overflow-y: auto; padding: 12px; }",
    ".msg { margin: 0 0 12px; padding: 8px 10px; border-radius: 8px; white-space: pre-wrap; word-wrap: break-word; }",
    ".user { background: #eff6ff; margin-left: 40px; }",
    ".bot { background: #f3f4f6; margin-right: 20px; }",
    ".status { color: #6b7280; font-style: italic; }",
    ".error { background: #fef2f2; color: #991b1b; }",
    ".cite { color: #1d4ed8; text-decoration: underline; cursor: pointer; background: none; border: 0;",
    "  padding: 0; font: inherit; }",
    "ol.cites { margin: 8px 0 0; padding: 0; list-style: none; white-space: normal; }",
    "ol.cites li { margin: 6px 0 0; padding: 4px 6px; border-left: 3px solid #c7d2fe; font-size: 12.5px; }",
    "ol.cites li.hl { background: #fef9c3; border-left-color: #ca8a04; }",
    "ol.cites a { color: #1d4ed8; }",
    ".meta { color: #6b7280; }",
    ".quote { margin-top: 3px; color: #374151; }",
    ".votes { margin-top: 6px; white-space: normal; }",
    ".votes button { background: none; border: 1px solid #d1d5db; border-radius: 6px; cursor: pointer;",
    "  margin-right: 4px; padding: 1px 6px; font-size: 13px; }",
    "form { display: flex; gap: 6px; padding: 10px; border-top: 1px solid #e5e7eb; }",
    "textarea { flex: 1; resize: none; height: 40px; padding: 8px; border: 1px solid #d1d5db; border-radius: 8px;",
    "  font-size: 14px; color: #111827; background: #fff; }",
    "form button { border: 0; border-radius: 8px; background: #1d4ed8; color: #fff; padding: 0 14px;",
    "  font-size: 14px; cursor: pointer; }",
    "form button:disabled { background: #93c5fd; cursor: default; }",
    "@media (max-width: 520px) {",
    "  .panel { right: 0; bottom: 0; width: 100vw; height: 100vh; max-height: none; border-radius: 0; }",
    "  .launcher { right: 14px; bottom: 14px; }",
    "}",
  ].join("\n");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var host = el("div");
  host.id = "presschat-widget";
  var root = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = STYLE;
  var launcher = el("button", "launcher", "\uD83D\uDCAC");
  launcher.setAttribute("aria-label", title);
  launcher.title = title;
  var panel = el("section", "panel");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  var header = el("header");
  var close = el("button", "close", "\u00D7");
  close.setAttribute("aria-label", "Close");
  header.append(el("span", "title", title), close);
  var log = el("div", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form");
  var input = el("textarea");
  input.placeholder = "Your question";
  input.maxLength = 2000;
  input.setAttribute("aria-label", "Your question");
  var send = el("button", "send", "Ask");
  send.type = "submit";
  form.append(input, send);
  panel.append(header, log, form);
  root.append(style, launcher, panel);

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  launcher.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    if (!panel.hidden) input.focus();
  });
  close.addEventListener("click", function () { panel.hidden = true; });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (question && !busy) ask(question);
  });

  function headers() {
    var h = { "Content-Type": "application/json" };
    if (token) h["X-Presschat-Token"] = token;
    return h;
  }

  function scroll() { log.scrollTop = log.scrollHeight; }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  // The answer's text with each kept [n] as a button that shows its paragraph below.
  function renderAnswer(bubble, answer) {
    bubble.textContent = "";
    var numbers = {};
    answer.citations.forEach(function (c) { numbers[c.number] = true; });
    var list = el("ol", "cites");
    var items = {};
    answer.citations.forEach(function (c) {
      var item = el("li");
      item.append(el("strong", "", "[" + c.number + "] "));
      var url = safeUrl(c.url);
      var name = c.title || "Untitled release";
      if (url) {
        var link = el("a", "", name);
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        item.append(link);
      } else {
        item.append(document.createTextNode(name));
      }
      var meta = [c.date, "paragraph " + (c.paragraph + 1)].filter(Boolean).join(" \u00B7 ");
      item.append(el("span", "meta", " " + meta), el("div", "quote", c.text));
      items[c.number] = item;
      list.append(item);
    });
    var parts = answer.answer.split(/(\[\d+\])/);
    parts.forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      if (m && numbers[m[1]]) {
        var cite = el("button", "cite", part);
        cite.type = "button";
        cite.addEventListener("click", function () {
          Object.keys(items).forEach(function (k) { items[k].classList.remove("hl"); });
          items[m[1]].classList.add("hl");
          items[m[1]].scrollIntoView({ block: "nearest" });
        });
        bubble.append(cite);
      } else {
        bubble.append(document.createTextNode(part));
      }
    });
    if (answer.citations.length) bubble.append(list);
    if (!answer.refused) bubble.append(votes(answer));
  }

  function votes(answer) {
    var box = el("div", "votes");
    [["up", "\uD83D\uDC4D", "Helpful"], ["down", "\uD83D\uDC4E", "Not helpful"]].forEach(function (v) {
      var b = el("button", "", v[1]);
      b.type = "button";
      b.title = v[2];
      b.setAttribute("aria-label", v[2]);
      b.addEventListener("click", function () {
        fetch(server + "/api/feedback", {
          method: "POST",
          headers: headers(),
          body: JSON.stringify({ rating: v[0], question: answer.question, answer: answer }),
        }).then(function (response) {
          if (response.ok) {
            box.textContent = "Thanks for the feedback.";
            return;
          }
          return response.json().catch(function () { return {}; }).then(function (data) {
            box.textContent = "Feedback not sent: " +
              (typeof data.detail === "string" ? data.detail : "the server said " + response.status);
          });
        }).catch(function () { box.textContent = "Feedback could not be sent."; });
      });
      box.append(b);
    });
    return box;
  }

  function fail(bubble, message) {
    bubble.className = "msg bot error";
    bubble.textContent = message;
  }

  function ask(question) {
    busy = true;
    send.disabled = true;
    input.value = "";
    log.append(el("div", "msg user", question));
    var bubble = el("div", "msg bot status", "Searching the releases\u2026");
    log.append(bubble);
    scroll();
    var text = "";
    var done = false;
    var body = { question: question, history: history.slice(-8), filters: lang ? { lang: lang } : {} };

    function handle(event, data) {
      if (event === "sources") {
        bubble.textContent = data.sources.length
          ? "Found " + data.sources.length + " paragraphs; writing the answer\u2026"
          : "Nothing found; checking\u2026";
      } else if (event === "token") {
        if (!text) bubble.className = "msg bot";
        text += data.text;
        bubble.textContent = text;
      } else if (event === "done") {
        done = true;
        bubble.className = "msg bot";
        renderAnswer(bubble, data);
        history.push({ role: "user", content: question }, { role: "assistant", content: data.answer });
      } else if (event === "error") {
        done = true;
        fail(bubble, data.message || "Something went wrong.");
      }
      scroll();
    }

    var answered = false;  // a response arrived: later failures are not about the origin
    fetch(server + "/api/ask/stream", { method: "POST", headers: headers(), body: JSON.stringify(body) })
      .then(function (response) {
        answered = true;
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            var detail = typeof data.detail === "string" ? data.detail : "the server said " + response.status;
            fail(bubble, detail);
            done = true;
          });
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) return;
            buffer += decoder.decode(chunk.value, { stream: true });
            var blocks = buffer.split("\n\n");
            buffer = blocks.pop();
            blocks.forEach(function (block) {
              var event = "message";
              var data = "";
              block.split("\n").forEach(function (line) {
                if (line.indexOf("event: ") === 0) event = line.slice(7);
                else if (line.indexOf("data: ") === 0) data += line.slice(6);
              });
              if (data) handle(event, JSON.parse(data));
            });
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        done = true;
        fail(bubble, answered
          ? "The answer was cut off; please ask again."
          : "Could not reach presschat. If this page is on another site, the server must " +
            "allow its origin (PRESSCHAT_ALLOWED_ORIGINS).");
      })
      .then(function () {
        if (!done) fail(bubble, "The answer was cut off; please ask again.");
        busy = false;
        send.disabled = false;
        scroll();
      });
  }
})();
