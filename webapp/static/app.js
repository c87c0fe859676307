// Saima's dashboard (赛马看板): reads the bot's JSON API with Telegram's signed initData and draws the
// pages; charts are SVG drawn here. No library, no build step, nothing loaded from elsewhere except
// Telegram's own telegram-web-app.js when the page is opened from Telegram without it.
"use strict";
(function () {
  var TELEGRAM_JS = "https://telegram.org/js/telegram-web-app.js";
  var SVG = "http://www.w3.org/2000/svg";
  var state = { initData: "", words: {}, me: null, period: "month", tasks: [], ledger: null };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else if (k === "cls") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function w(key) { return state.words[key] || ""; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function webApp() { return window.Telegram && window.Telegram.WebApp; }

  function applyTheme() {
    var app = webApp(), params = (app && app.themeParams) || {};
    Object.keys(params).forEach(function (k) {
      document.documentElement.style.setProperty("--tg-theme-" + k.replace(/_/g, "-"), params[k]);
    });
  }

  function fromAddress() {  // demo mode only: the sign-in in the address, as Telegram would pass it
    var sources = [location.hash.replace(/^#/, ""), location.search.replace(/^\?/, "")];
    for (var i = 0; i < sources.length; i++) {
      var value = new URLSearchParams(sources[i]).get("tgWebAppData");
      if (value) return value;
    }
    return "";
  }

  function fail(body) {
    var english = body && body.message_en && /^en/.test(language());
    clear($("loading")).hidden = true;
    document.querySelector("main").hidden = true;
    $("tabs").hidden = true;
    var box = $("error");
    box.textContent = body ? (english ? body.message_en : body.message) : "无法连接看板 / The dashboard cannot be reached.";
    box.hidden = false;
  }
  function language() {
    var app = webApp(), user = app && app.initDataUnsafe && app.initDataUnsafe.user;
    return (state.me && state.me.lang) || (user && user.language_code) || "zh";
  }

  function api(path) {
    return fetch(path, { headers: { Authorization: "tma " + state.initData } }).then(function (response) {
      var kind = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        return (kind.indexOf("json") >= 0 ? response.json() : Promise.resolve(null)).then(function (body) {
          throw { body: body, status: response.status };
        });
      }
      return kind.indexOf("json") >= 0 ? response.json() : response.blob();
    });
  }
  function guarded(promise) { return promise.catch(function (error) { fail(error && error.body); }); }

  // --- pages ---------------------------------------------------------------------------------------

  var PAGES = ["me", "board", "tasks", "motions", "grid", "ledger"];
  function show(name) {
    PAGES.forEach(function (page) {
      $("page-" + page).hidden = page !== name;
      var tab = document.querySelector('#tabs [data-page="' + page + '"]');
      if (tab) tab.classList.toggle("on", page === name);
    });
    if (name === "board") loadBoard(state.period);
    if (name === "tasks") loadTasks();
    if (name === "motions") loadMotions();
    if (name === "grid") loadGrid();
    if (name === "ledger") loadLedger();
  }

  function bar(done, target, expected, height) {
    var box = svg("svg", { viewBox: "0 0 100 " + height, preserveAspectRatio: "none", role: "img" });
    var share = target > 0 ? Math.min(1, done / target) : 1;
    box.appendChild(svg("rect", { x: 0, y: 0, width: 100, height: height, rx: 3, fill: "var(--bg)" }));
    box.appendChild(svg("rect", { x: 0, y: 0, width: (share * 100).toFixed(2), height: height, rx: 3,
                                  fill: "var(--button)" }));
    if (expected !== null && target > 0) {  // the pace line: where the year's pace says they should be today
      var x = (Math.min(1, expected / target) * 100).toFixed(2);
      box.appendChild(svg("line", { x1: x, x2: x, y1: 0, y2: height, stroke: "var(--red)", "stroke-width": 1.5,
                                    "class": "pace-line" }));
    }
    return box;
  }

  var LIGHT_MARK = { red: "🔴", yellow: "🟡", blue: "🔵", green: "🟢", "": "⚪" };
  function light(name) {
    return el("span", { cls: "light " + name, title: w("light_" + (name || "none")), "data-light": name });
  }

  function renderMe(me) {
    $("title").textContent = w("title");
    $("who").textContent = me.name + " · " + me.team;
    $("office-note").hidden = me.races;
    $("office-note").textContent = me.races ? "" : w("office_note");
    var standing = clear($("standing"));
    standing.hidden = !me.standing;
    if (me.standing) {  // this month's place, and every term of the score under it
      standing.appendChild(el("details", {}, [
        el("summary", { text: w("rank") + " " + me.standing.rank + "/" + me.standing.of + " · " + w("score") + " " +
                              me.standing.total }),
        el("div", { cls: "explain", text: me.standing.explain })]));
    }
    var duties = clear($("duties"));
    me.duties.forEach(function (d) {
      duties.appendChild(el("div", { cls: "duty " + d.status, "data-duty": d.duty }, [
        el("div", { cls: "head" }, [el("span", { text: d.name }),
          el("span", {}, [el("span", { cls: "done", text: d.done }), el("span", { text: "/" }),
                          el("span", { cls: "target", text: d.target }), el("span", { text: " " + d.unit })])]),
        bar(d.done_value, d.target_value, d.expected_value, 10),
        el("div", { cls: "pace" }, [el("span", { text: w("expected") + " " }), el("span", { cls: "expected", text: d.expected }),
          el("span", { text: " · " + w("quarter_target") + " " }), el("span", { cls: "quarter", text: d.quarter_target })])
      ]));
    });
    renderTrips(me);
    renderStudy(me);
    var items = clear($("items"));
    if (!me.items.length) items.appendChild(el("li", { text: w("none") }));
    me.items.forEach(function (item) {
      var line = el("li", { "data-kind": item.kind }, [el("span", { text: LIGHT_MARK[item.light] || "⚪" }),
        el("span", { text: item.title }), el("span", { cls: "due", text: item.due.slice(0, 10) })]);
      historyOnTap(line, HISTORY_OF[item.kind], item.id);
      items.appendChild(line);
    });
  }

  function dutyColour(i) { return "hsl(" + (210 + i * 28) + ",65%," + (45 + (i % 2) * 12) + "%)"; }

  function renderTrips(me) {  // the year's trips on a timeline: a strip of twelve months, a bar per trip
    var box = clear($("trips")), year = parseInt(me.year, 10);
    $("trips-title").hidden = !me.trips.length;
    if (!me.trips.length) return;
    var first = Date.UTC(year, 0, 1), span = Date.UTC(year + 1, 0, 1) - first;
    function x(day) { return Math.max(0, Math.min(100, (Date.parse(day + "T00:00:00Z") - first) / span * 100)); }
    var strip = svg("svg", { viewBox: "0 0 100 12", preserveAspectRatio: "none", "class": "timeline" });
    for (var m = 0; m < 12; m++) {
      strip.appendChild(svg("rect", { x: (m * 100 / 12).toFixed(2), y: 0, width: (100 / 12 - 0.3).toFixed(2), height: 12,
                                      fill: "var(--card)" }));
    }
    me.trips.forEach(function (trip) {
      var start = x(trip.start), end = x(trip.end) + 100 / 365;
      strip.appendChild(svg("rect", { x: start.toFixed(2), y: 2, width: Math.max(0.6, end - start).toFixed(2), height: 8,
                                      fill: "var(--button)", "class": "trip" }));
    });
    box.appendChild(strip);
    var list = el("ul", { cls: "items" });
    me.trips.slice().reverse().forEach(function (trip) {
      list.appendChild(el("li", { "data-kind": "trip" }, [el("span", { text: trip.places + " · " + trip.topic }),
        el("span", { cls: "due", text: trip.start.slice(5) + (trip.end !== trip.start ? "–" + trip.end.slice(5) : "") })]));
    });
    box.appendChild(list);
  }

  function renderStudy(me) {  // the study sessions attended this year, the latest first
    var list = clear($("study"));
    $("study-title").hidden = !me.study.length;
    me.study.slice().reverse().forEach(function (study) {
      list.appendChild(el("li", { "data-kind": "study" }, [
        el("span", { text: study.kind_words + " · " + study.topic + " · " + study.hours }),
        el("span", { cls: "due", text: study.day.slice(5) })]));
    });
  }

  function loadBoard(period) {
    state.period = period;
    document.querySelectorAll("#periods button").forEach(function (b) {
      b.classList.toggle("on", b.getAttribute("data-period") === period);
    });
    guarded(api("/api/board?period=" + period).then(function (board) {
      if (board.period !== state.period) return;
      $("board-label").textContent = board.label;
      var list = clear($("board-rows")), most = 0;
      board.rows.forEach(function (row) { most = Math.max(most, row.total_value); });
      board.rows.forEach(function (row) {
        var chart = svg("svg", { viewBox: "0 0 100 10", preserveAspectRatio: "none" }), x = 0;
        row.duties.forEach(function (term, i) {  // one segment per duty: how the score was earned
          var width = most > 0 ? term.points / most * 100 : 0;
          chart.appendChild(svg("rect", { x: x.toFixed(2), y: 0, width: Math.max(0, width).toFixed(2), height: 10,
                                          fill: dutyColour(i) }));
          x += width;
        });
        list.appendChild(el("li", { cls: row.own ? "own" : "", "data-rank": row.rank }, [
          el("span", { cls: "rank", text: String(row.rank) }), el("span", { cls: "name", text: row.name }), chart,
          el("span", { cls: "total", text: row.total }), el("span", { cls: "move", text: row.movement })]));
      });
      if (!board.rows.length) list.appendChild(el("li", { text: w("not_ranked") }));
      var legend = clear($("board-legend"));
      (board.rows[0] ? board.rows[0].duties : []).forEach(function (term, i) {
        legend.appendChild(el("span", {}, [el("i", { style: "background:" + dutyColour(i) }), el("span", { text: term.name })]));
      });
      document.body.setAttribute("data-board", board.period);
    }));
  }

  // what /api/history is asked for each kind of item: a task's assignment, a motion, a finding's follow-up
  var HISTORY_OF = { task: "assignment", assignment: "assignment", motion: "motion", follow_up: "follow_up" };
  function historyOnTap(node, kind, id) {  // tapping an item shows its history under it (tapped again: hidden)
    if (!kind) return node;
    node.classList.add("tappable");
    node.onclick = function () {
      var shown = node.querySelector(".history");
      if (shown) { shown.remove(); return; }
      guarded(api("/api/history?" + kind + "=" + id).then(function (data) {
        node.appendChild(el("div", { cls: "history", text: data.history }));
      }));
    };
    return node;
  }

  function loadTasks() {
    guarded(api("/api/tasks").then(function (data) { state.tasks = data.tasks; fillTaskFilters(); renderTasks(); }));
  }
  function fillTaskFilters() {
    var lights = clear($("task-light")), people = clear($("task-member")), seen = {};
    lights.appendChild(el("option", { value: "*", text: w("all") }));
    ["red", "yellow", "blue", "green", ""].forEach(function (name) {
      lights.appendChild(el("option", { value: name, text: LIGHT_MARK[name] + " " + w("light_" + (name || "none")) }));
    });
    people.appendChild(el("option", { value: "*", text: w("all") }));
    state.tasks.forEach(function (task) {
      task.assignees.forEach(function (a) {
        if (!seen[a.member_id]) { seen[a.member_id] = 1; people.appendChild(el("option", { value: a.member_id, text: a.name })); }
      });
    });
  }
  function renderTasks() {
    var list = clear($("task-list")), wantLight = $("task-light").value, who = $("task-member").value;
    state.tasks.forEach(function (task) {
      var shown = task.assignees.filter(function (a) {
        return (wantLight === "*" || a.light === wantLight) && (who === "*" || String(a.member_id) === who);
      });
      if (!shown.length) return;
      list.appendChild(el("div", { cls: "task", "data-task": task.id }, [
        el("div", { cls: "title", text: task.title }),
        el("div", { cls: "due", text: w("due") + " " + task.due.slice(0, 16).replace("T", " ") }),
        el("div", {}, shown.map(function (a) {
          return historyOnTap(el("span", { cls: "assignee", "data-member": a.member_id, "data-light": a.light }, [
            light(a.light), el("span", { text: a.name + " · " + a.status_words + (a.moved_to
              ? " · " + w("moved_to") + " " + a.moved_to.slice(0, 16).replace("T", " ") : "") })]),
            "assignment", a.assignment);
        }))]));
    });
    if (!list.firstChild) list.appendChild(el("p", { cls: "hint", text: w("none") }));
  }

  function loadMotions() {
    guarded(api("/api/motions").then(function (data) {
      state.motions = data.motions;
      var stages = clear($("motion-status")), people = clear($("motion-member")), seen = {};
      stages.appendChild(el("option", { value: "*", text: w("all") }));
      data.stages.forEach(function (s) { stages.appendChild(el("option", { value: s.status, text: s.words })); });
      people.appendChild(el("option", { value: "*", text: w("all") }));
      data.motions.forEach(function (m) {
        if (!seen[m.lead_id]) { seen[m.lead_id] = 1; people.appendChild(el("option", { value: m.lead_id, text: m.lead })); }
      });
      renderMotions();
    }));
  }
  function renderMotions() {  // a card per motion: light, number and kind, subject, who leads it, deadline, result
    var list = clear($("motion-list")), stage = $("motion-status").value, who = $("motion-member").value;
    (state.motions || []).forEach(function (m) {
      if ((stage !== "*" && m.status !== stage) || (who !== "*" && String(m.lead_id) !== who)) return;
      var result = [m.result_words, m.satisfaction_words].filter(Boolean).join(" · ");
      list.appendChild(historyOnTap(el("div", { cls: "task motion", "data-motion": m.id, "data-light": m.light }, [
        el("div", { cls: "title" }, [light(m.light), el("span", { text: m.kind_words + " " + m.number_words }),
                                     el("span", { cls: "subject", text: m.title })]),
        el("div", { cls: "due" }, [el("span", { cls: "lead", text: w("led_by") + " " + m.lead }),
          el("span", { cls: "reply-due", text: " · " + w("reply_due") + " " + m.reply_due }),
          el("span", { cls: "stage", text: " · " + m.status_words })]),
        result ? el("div", { cls: "result", text: w("result") + " " + result }) : null]), "motion", m.id));
    });
    if (!list.firstChild) list.appendChild(el("p", { cls: "hint", text: w("none") }));
  }

  function sortable(table, rows, render) {
    var heads = table.querySelectorAll("th");
    heads.forEach(function (th, index) {
      th.onclick = function () {
        var down = th.getAttribute("data-down") !== "1";
        th.setAttribute("data-down", down ? "1" : "0");
        rows.sort(function (a, b) {
          var x = a.keys[index], y = b.keys[index];
          return (x < y ? -1 : x > y ? 1 : 0) * (down ? 1 : -1);
        });
        render();
      };
    });
  }

  function loadGrid() {
    guarded(api("/api/grid").then(function (grid) {
      var table = $("grid"), head = clear(table.querySelector("thead")), body = table.querySelector("tbody");
      head.appendChild(el("tr", {}, [el("th", { text: w("name") }), el("th", { text: w("took_office") }),
                                     el("th", { text: w("on_leave") })].concat(
        grid.duties.map(function (d) { return el("th", { text: d.name }); }))));
      var rows = grid.rows.map(function (row) {
        return { row: row, keys: [row.name, row.took_office_on || "", row.leave.length].concat(row.duties.map(function (d) {
          return parseFloat(d.done) / Math.max(1, parseFloat(d.target)); })) };
      });
      function render() {
        clear(body);
        rows.forEach(function (r) {
          body.appendChild(el("tr", { "data-member": r.row.member_id }, [el("td", { text: r.row.name }),
            el("td", { text: r.row.took_office_on || "" }),
            el("td", { cls: r.row.on_leave ? "away" : "", text: r.row.leave.map(function (s) {
              return s[0].slice(5) + "–" + s[1].slice(5); }).join(", ") })].concat(r.row.duties.map(function (d) {
              return el("td", { cls: d.status, text: d.done + "/" + d.target });
            }))));
        });
      }
      sortable(table, rows, render);
      render();
    }));
  }

  function loadLedger() {
    var years = $("ledger-year");
    if (!years.options.length) {
      var now = parseInt(state.me.year, 10);
      for (var y = now; y >= now - 4; y--) years.appendChild(el("option", { value: y, text: String(y) }));
      years.onchange = function () { state.ledger = null; loadLedger(); };
      $("ledger-sheet").onchange = renderLedger;
      $("ledger-download").onclick = download;
    }
    guarded(api("/api/ledger?year=" + years.value).then(function (data) {
      state.ledger = data;
      var sheets = clear($("ledger-sheet"));
      data.sheets.forEach(function (sheet, i) { sheets.appendChild(el("option", { value: i, text: sheet.title })); });
      renderLedger();
    }));
  }
  function renderLedger() {
    var sheet = state.ledger.sheets[parseInt($("ledger-sheet").value || "0", 10)];
    var table = $("ledger"), head = clear(table.querySelector("thead")), body = clear(table.querySelector("tbody"));
    head.appendChild(el("tr", {}, sheet.headers.map(function (h) { return el("th", { text: h }); })));
    sheet.rows.forEach(function (row) {
      body.appendChild(el("tr", {}, row.map(function (v) { return el("td", { text: v === null ? "" : String(v) }); })));
    });
  }
  function download() {
    var year = $("ledger-year").value;
    guarded(api("/api/ledger.xlsx?year=" + year).then(function (blob) {
      var link = el("a", { href: URL.createObjectURL(blob), download: "ledger-" + year + ".xlsx" });
      document.body.appendChild(link); link.click(); link.remove();
    }));
  }

  function start() {
    applyTheme();
    var app = webApp();
    state.initData = (app && app.initData) || "";
    if (!state.initData && document.body.getAttribute("data-demo") === "1") state.initData = fromAddress();
    if (app && app.ready) app.ready();
    if (app && app.expand) app.expand();
    guarded(api("/api/me").then(function (me) {
      state.me = me; state.words = me.words;
      document.documentElement.lang = me.lang === "en" ? "en" : "zh-CN";
      document.querySelectorAll("[data-word]").forEach(function (node) { node.textContent = w(node.getAttribute("data-word")); });
      var tabs = clear($("tabs"));
      (me.office ? PAGES : ["me", "board", "tasks"]).forEach(function (page) {
        var button = el("button", { "data-page": page, text: w(page) });
        button.onclick = function () { show(page); };
        tabs.appendChild(button);
      });
      document.querySelectorAll("#periods button").forEach(function (b) {
        b.onclick = function () { loadBoard(b.getAttribute("data-period")); };
      });
      $("task-light").onchange = renderTasks;
      $("task-member").onchange = renderTasks;
      $("motion-status").onchange = renderMotions;
      $("motion-member").onchange = renderMotions;
      renderMe(me);
      tabs.hidden = false;
      $("loading").hidden = true;
      var first = (location.hash.match(/page=(\w+)/) || [])[1];
      show(PAGES.indexOf(first) >= 0 && (me.office || ["me", "board", "tasks"].indexOf(first) >= 0) ? first : "me");
      window.saimaDrawnAt = performance.now();  // for bench/bench_dashboard.py: time to the first page drawn
      document.body.setAttribute("data-ready", "1");
    }));
  }

  if (webApp() || document.body.getAttribute("data-demo") === "1") {
    start();
  } else {  // opened from Telegram: its script reads the sign-in Telegram passed to the page
    var script = document.createElement("script");
    script.src = TELEGRAM_JS;
    script.onload = start;
    script.onerror = start;
    document.head.appendChild(script);
  }
})();
