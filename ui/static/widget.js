/*
 * presschat widget: one script tag puts a chat about the press releases on any page.
 *
 *   <script src="https://presschat.example/widget.js" data-title="Ask the press office" defer></script>
 *
 * Optional attributes: data-token (the server's access token), data-lang (en, ru or kk: only
 * releases in that language), data-locale (en, ru or kk: the interface language; by default the
 * browser's), data-title (shown as given, in every interface language), data-server (the
 * server's address, if not where the script is). Everything lives in a Shadow DOM, so the page's
 * CSS and the widget's never mix. Text from the server is only ever set as text, never parsed as
 * HTML, and is not translated: answers come in the asker's language already.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__presschatWidget) return;
  window.__presschatWidget = true;

  // Every text the widget itself shows, in each interface language. Kept as a JSON object
  // between the markers so that tests/ui/test_widget_strings.py can read and check it.
  // {name} is filled in by t(); keys ending in _one/_few/_many/_other are the plural forms
  // Intl.PluralRules picks; "months" and "date" spell a date where the browser's own data
  // cannot (Chromium ships no Kazakh month names and writes "2025 M08 31").
  var STRINGS = /* strings:begin */ {
    "title": {
      "en": "Ask the press office",
      "ru": "Вопрос пресс-службе",
      "kk": "Баспасөз қызметіне сұрақ"
    },
    "open": {
      "en": "Open the press office chat",
      "ru": "Открыть чат пресс-службы",
      "kk": "Баспасөз қызметінің чатын ашу"
    },
    "close": {
      "en": "Close",
      "ru": "Закрыть",
      "kk": "Жабу"
    },
    "question": {
      "en": "Your question",
      "ru": "Ваш вопрос",
      "kk": "Сұрағыңыз"
    },
    "send": {
      "en": "Ask",
      "ru": "Спросить",
      "kk": "Сұрау"
    },
    "queued": {
      "en": "Waiting: this question is asked as soon as the current answer is finished.",
      "ru": "В очереди: вопрос будет задан, как только закончится текущий ответ.",
      "kk": "Кезекте: бұл сұрақ қазіргі жауап аяқталған соң қойылады."
    },
    "searching": {
      "en": "Searching the releases…",
      "ru": "Ищу в пресс-релизах…",
      "kk": "Пресс-релиздерден іздеп жатырмын…"
    },
    "found_one": {
      "en": "Found {n} paragraph; writing the answer…",
      "ru": "Найден {n} абзац, пишу ответ…",
      "kk": "{n} абзац табылды, жауап жазып жатырмын…"
    },
    "found_few": {
      "en": "Found {n} paragraphs; writing the answer…",
      "ru": "Найдено {n} абзаца, пишу ответ…",
      "kk": "{n} абзац табылды, жауап жазып жатырмын…"
    },
    "found_many": {
      "en": "Found {n} paragraphs; writing the answer…",
      "ru": "Найдено {n} абзацев, пишу ответ…",
      "kk": "{n} абзац табылды, жауап жазып жатырмын…"
    },
    "found_other": {
      "en": "Found {n} paragraphs; writing the answer…",
      "ru": "Найдено {n} абзаца, пишу ответ…",
      "kk": "{n} абзац табылды, жауап жазып жатырмын…"
    },
    "found_nothing": {
      "en": "Nothing found; checking…",
      "ru": "Ничего не найдено, проверяю…",
      "kk": "Ештеңе табылмады, тексеріп жатырмын…"
    },
    "refused_hint": {
      "en": "Try other words or a narrower question, or ask about a particular release.",
      "ru": "Попробуйте переформулировать вопрос, сузить его или спросить о конкретном релизе.",
      "kk": "Сұрақты басқаша не нақтырақ қойып көріңіз немесе белгілі бір релиз туралы сұраңыз."
    },
    "cite": {
      "en": "Show the cited paragraph",
      "ru": "Показать цитируемый абзац",
      "kk": "Сілтеме берілген абзацты көрсету"
    },
    "untitled": {
      "en": "Untitled release",
      "ru": "Релиз без названия",
      "kk": "Атауы жоқ релиз"
    },
    "paragraph": {
      "en": "paragraph {n}",
      "ru": "абзац {n}",
      "kk": "{n}-абзац"
    },
    "date": {
      "en": "{day} {month} {year}",
      "ru": "{day} {month} {year} г.",
      "kk": "{year} ж. {day} {month}"
    },
    "months": {
      "en": "January,February,March,April,May,June,July,August,September,October,November,December",
      "ru": "января,февраля,марта,апреля,мая,июня,июля,августа,сентября,октября,ноября,декабря",
      "kk": "қаңтар,ақпан,наурыз,сәуір,мамыр,маусым,шілде,тамыз,қыркүйек,қазан,қараша,желтоқсан"
    },
    "helpful": {
      "en": "Helpful",
      "ru": "Ответ помог",
      "kk": "Жауап көмектесті"
    },
    "not_helpful": {
      "en": "Not helpful",
      "ru": "Ответ не помог",
      "kk": "Жауап көмектеспеді"
    },
    "thanks": {
      "en": "Thanks for the feedback.",
      "ru": "Спасибо за отзыв.",
      "kk": "Пікіріңізге рахмет."
    },
    "feedback_failed": {
      "en": "Feedback not sent: {reason}",
      "ru": "Отзыв не отправлен: {reason}",
      "kk": "Пікір жіберілмеді: {reason}"
    },
    "feedback_unreachable": {
      "en": "Feedback could not be sent.",
      "ru": "Не удалось отправить отзыв.",
      "kk": "Пікірді жіберу мүмкін болмады."
    },
    "rate_limited": {
      "en": "Too many requests; try again in {seconds} s.",
      "ru": "Слишком много запросов, повторите через {seconds} с.",
      "kk": "Сұраныстар тым көп, {seconds} секундтан кейін қайталаңыз."
    },
    "needs_token": {
      "en": "This presschat server needs an access token (data-token on the widget's script tag).",
      "ru": "Этому серверу presschat нужен ключ доступа (атрибут data-token в теге script виджета).",
      "kk": "Бұл presschat серверіне кіру кілті керек (виджеттің script тегіндегі data-token атрибуты)."
    },
    "server_failed": {
      "en": "The server could not answer ({detail}).",
      "ru": "Сервер не смог ответить ({detail}).",
      "kk": "Сервер жауап бере алмады ({detail})."
    },
    "answer_failed": {
      "en": "No answer: the server reported an error ({detail}).",
      "ru": "Ответа нет: сервер сообщил об ошибке ({detail}).",
      "kk": "Жауап жоқ: серверде қате болды ({detail})."
    },
    "error": {
      "en": "Something went wrong.",
      "ru": "Что-то пошло не так.",
      "kk": "Қате орын алды."
    },
    "cut_off": {
      "en": "The answer was cut off; please ask again.",
      "ru": "Ответ оборвался, спросите ещё раз.",
      "kk": "Жауап үзіліп қалды, қайта сұраңыз."
    },
    "unreachable": {
      "en": "Could not reach presschat. If this page is on another site, the server must allow its address (PRESSCHAT_ALLOWED_ORIGINS).",
      "ru": "Не удалось связаться с presschat. Если эта страница на другом сайте, сервер должен разрешить её адрес (PRESSCHAT_ALLOWED_ORIGINS).",
      "kk": "presschat-пен байланыс орнамады. Бұл бет басқа сайтта болса, сервер оның адресіне рұқсат беруі керек (PRESSCHAT_ALLOWED_ORIGINS)."
    }
  } /* strings:end */;

  var LOCALES = ["en", "ru", "kk"];

  // "ru-RU" -> "ru", "kz" (a common mistake for Kazakh) -> "kk"; anything else -> null.
  function supportedLocale(tag) {
    var code = String(tag || "").toLowerCase().split(/[-_]/)[0];
    if (code === "kz") code = "kk";
    return LOCALES.indexOf(code) >= 0 ? code : null;
  }

  // The embedder's data-locale, else the first of the browser's languages the widget speaks.
  function interfaceLocale() {
    var chosen = script.dataset.locale;
    if (chosen) {
      if (supportedLocale(chosen)) return supportedLocale(chosen);
      if (window.console) console.warn("presschat widget: data-locale must be en, ru or kk, not " + chosen);
    }
    var wanted = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language];
    for (var i = 0; i < wanted.length; i++) {
      if (supportedLocale(wanted[i])) return supportedLocale(wanted[i]);
    }
    return "en";
  }

  var locale = interfaceLocale();
  var dateLocale = { ru: "ru-RU", kk: "kk-KZ" }[locale] ||
    ([navigator.language].concat(navigator.languages || []).indexOf("en-US") >= 0 ? "en-US" : "en-GB");

  // The interface text `key` with its {names} filled from `values`.
  function t(key, values) {
    var entry = STRINGS[key] || {};
    var text = entry[locale] || entry.en || key;
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  // The plural form of `key` for the number n, as the interface language says it.
  function plural(key, n) {
    var form = "other";
    try { form = new Intl.PluralRules(dateLocale).select(n); } catch (e) { /* keep "other" */ }
    return t(STRINGS[key + "_" + form] ? key + "_" + form : key + "_other", { n: n });
  }

  // A release date ("2009-01-06") as the interface language writes it; other text as it is.
  function formatDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    if (!m) return value || "";
    var day = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    try {
      var parts = new Intl.DateTimeFormat(dateLocale, {
        day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
      }).formatToParts(new Date(day));
      var month = parts.filter(function (p) { return p.type === "month"; })[0];
      if (month && !/\d/.test(month.value)) return parts.map(function (p) { return p.value; }).join("");
    } catch (e) { /* no Intl: spell it below */ }
    return t("date", { day: +m[3], month: t("months").split(",")[+m[2] - 1], year: m[1] });
  }

  var server = (script.dataset.server || new URL(script.src, location.href).origin).replace(/\/$/, "");
  var title = script.dataset.title || t("title");
  var token = script.dataset.token || "";
  var lang = script.dataset.lang || "";  // filters the releases; the interface is `locale`
  var history = [];
  var busy = false;
  var waiting = [];  // questions sent while an answer streams, asked in turn when it ends

  var STYLE = [
    ":host { all: initial; }",
    "* { box-sizing: border-box; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }",
    ".launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 56px; height: 56px;",
    "  display: flex; align-items: center; justify-content: center; padding: 0;",
    "  border-radius: 50%; border: 0; background: #1d4ed8; color: #fff; cursor: pointer;",
    "  box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".launcher svg { width: 28px; height: 28px; display: block; }",
    ".panel { position: fixed; right: 20px; bottom: 88px; z-index: 2147483000; width: 380px; height: 560px;",
    "  max-height: calc(100vh - 110px); display: flex; flex-direction: column; background: #fff; color: #111827;",
    "  border: 1px solid #d1d5db; border-radius: 12px; box-shadow: 0 10px 30px rgba(0,0,0,.25); overflow: hidden;",
    "  font-size: 14px; line-height: 1.45; }",
    ".panel[hidden] { display: none; }",
    "header { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 10px 14px;",
    "  background: #1d4ed8; color: #fff; font-weight: 600; }",
    "header button { background: none; border: 0; color: #fff; font-size: 22px; cursor: pointer; line-height: 1; }",
    ".log { flex: 1; overflow-y: auto; padding: 12px; }",
    ".msg { margin: 0 0 12px; padding: 8px 10px; border-radius: 8px; white-space: pre-wrap; word-wrap: break-word; }",
    ".user { background: #eff6ff; margin-left: 40px; }",
    ".bot { background: #f3f4f6; margin-right: 20px; }",
    ".status { color: #6b7280; font-style: italic; }",
    ".user.waiting { opacity: .65; }",
    ".error { background: #fef2f2; color: #991b1b; }",
    ".hint { margin-top: 6px; color: #6b7280; font-size: 12.5px; white-space: normal; }",
    ".cite { color: #1d4ed8; text-decoration: underline; cursor: pointer; background: none; border: 0;",
    "  padding: 0; font: inherit; }",
    "ol.cites { margin: 8px 0 0; padding: 0; list-style: none; white-space: normal; }",
    "ol.cites li { margin: 6px 0 0; padding: 4px 6px; border-left: 3px solid #c7d2fe; font-size: 12.5px; }",
    "ol.cites li.hl { background: #fef9c3; border-left-color: #ca8a04; }",
    "ol.cites a { color: #1d4ed8; }",
    ".meta { color: #6b7280; }",
    ".quote { margin-top: 3px; color: #374151; }",
    ".quote mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }",
    ".votes { margin-top: 6px; white-space: normal; }",
    ".votes button { background: none; border: 1px solid #d1d5db; border-radius: 6px; cursor: pointer;",
    "  margin-right: 4px; padding: 2px 6px; color: #4b5563; vertical-align: middle; }",
    ".votes svg { width: 16px; height: 16px; display: block; }",
    "form { display: flex; gap: 6px; padding: 10px; border-top: 1px solid #e5e7eb; }",
    "textarea { flex: 1; resize: none; height: 40px; padding: 8px; border: 1px solid #d1d5db; border-radius: 8px;",
    "  font-size: 14px; color: #111827; background: #fff; }",
    "form button { border: 0; border-radius: 8px; background: #1d4ed8; color: #fff; padding: 0 14px;",
    "  font-size: 14px; cursor: pointer; }",
    "@media (max-width: 520px) {",
    "  .panel { right: 0; bottom: 0; width: 100vw; height: 100vh; max-height: none; border-radius: 0; }",
    "  .launcher { right: 14px; bottom: 14px; }",
    "}",
  ].join("\n");

  // Icons are inline SVG, not emoji: a machine without an emoji font shows an empty box.
  var ICONS = {
    chat: "M5 4h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    thumb: "M2 10h4v11H2zM8 21h8.6a2 2 0 0 0 2-1.6l1.8-7.4A2 2 0 0 0 18.4 9.5H14V5.5A2.5 2.5 0 0 0 " +
      "11.5 3L8 10z",
  };

  function icon(name, flip) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    if (flip) path.setAttribute("transform", "matrix(1 0 0 -1 0 24)");
    svg.appendChild(path);
    return svg;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function labelled(node, label) {
    node.setAttribute("aria-label", label);
    node.title = label;
    return node;
  }

  var host = el("div");
  host.id = "presschat-widget";
  var root = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = STYLE;
  var launcher = labelled(el("button", "launcher"), t("open"));
  launcher.type = "button";
  launcher.lang = locale;
  launcher.setAttribute("aria-expanded", "false");
  launcher.append(icon("chat"));
  var panel = el("section", "panel");
  panel.hidden = true;
  panel.lang = locale;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  var header = el("header");
  var close = labelled(el("button", "close", "\u00D7"), t("close"));
  close.type = "button";
  header.append(el("span", "title", title), close);
  var log = el("div", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form");
  var input = el("textarea");
  input.placeholder = t("question");
  input.maxLength = 2000;
  input.setAttribute("aria-label", t("question"));
  var send = el("button", "send", t("send"));
  send.type = "submit";
  form.append(input, send);
  panel.append(header, log, form);
  root.append(style, launcher, panel);

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  function show(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) input.focus();
  }

  launcher.addEventListener("click", function () { show(panel.hidden); });
  close.addEventListener("click", function () { show(false); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question) return;
    input.value = "";
    var asked = el("div", "msg user", question);
    var bubble = el("div", "msg bot status");
    log.append(asked, bubble);
    if (busy) {
      // Never drop a question sent while an answer streams: it waits its turn, visibly.
      asked.classList.add("waiting");
      bubble.textContent = t("queued");
      waiting.push({ question: question, asked: asked, bubble: bubble });
      scroll();
    } else {
      ask(question, asked, bubble);
    }
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

  // Why the server turned a request down, in the interface language.
  function refusedRequest(response) {
    return response.json().catch(function () { return {}; }).then(function (data) {
      if (response.status === 429) return t("rate_limited", { seconds: response.headers.get("Retry-After") || 60 });
      if (response.status === 401) return t("needs_token");
      return t("server_failed", {
        detail: typeof data.detail === "string" ? data.detail : "HTTP " + response.status,
      });
    });
  }

  // A cited paragraph with the sentence the answer cites it for marked.
  function quoted(text, quote) {
    var box = el("div", "quote");
    var at = quote ? text.indexOf(quote) : -1;
    if (at < 0) {
      box.textContent = text;
      return box;
    }
    box.append(
      document.createTextNode(text.slice(0, at)),
      el("mark", "", quote),
      document.createTextNode(text.slice(at + quote.length))
    );
    return box;
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
      var name = c.title || t("untitled");
      if (url) {
        var link = el("a", "", name);
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        item.append(link);
      } else {
        item.append(document.createTextNode(name));
      }
      var meta = [formatDate(c.date), t("paragraph", { n: c.paragraph + 1 })].filter(Boolean).join(" \u00B7 ");
      item.append(el("span", "meta", " " + meta), quoted(c.text, c.quote));
      items[c.number] = item;
      list.append(item);
    });
    var parts = answer.answer.split(/(\[\d+\])/);
    parts.forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      if (m && numbers[m[1]]) {
        var cite = el("button", "cite", part);
        cite.type = "button";
        cite.title = t("cite");
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
    if (answer.refused) bubble.append(el("div", "hint", t("refused_hint")));
    else bubble.append(votes(answer));
  }

  function votes(answer) {
    var box = el("div", "votes");
    [["up", false, "helpful"], ["down", true, "not_helpful"]].forEach(function (v) {
      var b = labelled(el("button"), t(v[2]));
      b.type = "button";
      b.append(icon("thumb", v[1]));
      b.addEventListener("click", function () {
        fetch(server + "/api/feedback", {
          method: "POST",
          headers: headers(),
          body: JSON.stringify({ rating: v[0], question: answer.question, answer: answer }),
        }).then(function (response) {
          if (response.ok) {
            box.textContent = t("thanks");
            return;
          }
          return refusedRequest(response).then(function (reason) {
            box.textContent = t("feedback_failed", { reason: reason });
          });
        }).catch(function () { box.textContent = t("feedback_unreachable"); });
      });
      box.append(b);
    });
    return box;
  }

  function fail(bubble, message) {
    bubble.className = "msg bot error";
    bubble.textContent = message;
  }

  function askNext() {
    var next = waiting.shift();
    if (next) ask(next.question, next.asked, next.bubble);
  }

  function ask(question, asked, bubble) {
    busy = true;
    asked.classList.remove("waiting");
    bubble.className = "msg bot status";
    bubble.textContent = t("searching");
    scroll();
    var text = "";
    var done = false;
    var body = { question: question, history: history.slice(-8), filters: lang ? { lang: lang } : {} };

    function handle(event, data) {
      if (event === "sources") {
        bubble.textContent = data.sources.length ? plural("found", data.sources.length) : t("found_nothing");
      } else if (event === "token") {
        if (!text) bubble.className = "msg bot";
        text += data.text;
        bubble.textContent = text;
      } else if (event === "done") {
        done = true;
        bubble.className = "msg bot";
        if (data.language) bubble.lang = data.language;  // the answer's, not the interface's
        renderAnswer(bubble, data);
        history.push({ role: "user", content: question }, { role: "assistant", content: data.answer });
      } else if (event === "error") {
        done = true;
        fail(bubble, data.message ? t("answer_failed", { detail: data.message }) : t("error"));
      }
      scroll();
    }

    var answered = false;  // a response arrived: later failures are not about the origin
    fetch(server + "/api/ask/stream", { method: "POST", headers: headers(), body: JSON.stringify(body) })
      .then(function (response) {
        answered = true;
        if (!response.ok) {
          return refusedRequest(response).then(function (reason) {
            fail(bubble, reason);
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
        fail(bubble, answered ? t("cut_off") : t("unreachable"));
      })
      .then(function () {
        if (!done) fail(bubble, t("cut_off"));
        busy = false;
        scroll();
        askNext();
      });
  }
})();
