// The playground page: pick who you are, read that chat, type, press buttons, send a file, move the clock.
// Polls /api/chat twice a second; everything is drawn with textContent (no HTML from the bot is trusted).
"use strict";
const lang = new URLSearchParams(location.search).get("lang") || "";
let labels = {};
let view = null;
let shown = "";
let polling = false;

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || String(response.status));
  return body;
}

function post(path, body) {
  return api(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
}

function status(text) {
  document.getElementById("status").textContent = text || "";
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showClock(clock) {
  const days = (labels.weekdays || "").split(" ");
  document.getElementById("clock").textContent = `${clock.date} ${days[clock.weekday] || ""} ${clock.time}`;
}

function render(messages) {
  const box = document.getElementById("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.replaceChildren();
  if (!messages.length) box.append(el("div", "empty", labels.empty));
  for (const m of messages) {
    const item = el("div", "msg" + (m.bot ? " bot" : " mine") + (m.kind === "service" ? " service" : ""));
    item.dataset.id = m.id;
    if (view === "group" || m.bot) item.append(el("div", "sender", m.bot ? labels.bot : m.sender));
    if (m.kind === "photo" && m.file_id) {
      const image = el("img", "photo");
      image.src = "/api/files/" + encodeURIComponent(m.file_id);
      image.alt = labels.photo;
      item.append(image);
    } else if (m.kind === "document" || m.kind === "photo") {
      const link = el("a", "file", `${labels[m.kind]} ${m.file_name || ""}`.trim());
      if (m.file_id) {
        link.href = "/api/files/" + encodeURIComponent(m.file_id);
        link.download = m.file_name || "";
      }
      item.append(link);
    }
    if (m.kind === "service") item.append(el("div", "text", labels.service));
    if (m.text) item.append(el("div", "text", m.text));
    if (m.buttons.length) {
      const keyboard = el("div", "keyboard");
      for (const row of m.buttons) {
        const line = el("div", "row");
        for (const b of row) {
          if (b.data !== undefined) {
            const button = el("button", "inline", b.text);
            button.type = "button";
            button.addEventListener("click", () => press(m.id, b.data));
            line.append(button);
          } else {
            const link = el("a", "inline", b.text);
            if (b.url) { link.href = b.url; link.target = "_blank"; link.rel = "noopener"; }
            line.append(link);
          }
        }
        keyboard.append(line);
      }
      item.append(keyboard);
    }
    if (m.edited) item.append(el("div", "meta", labels.edited));
    box.append(item);
  }
  if (atBottom || !shown) box.scrollTop = box.scrollHeight;
}

async function refresh() {
  if (!view || polling) return;
  polling = true;
  try {
    const chat = await api("/api/chat?view=" + encodeURIComponent(view));
    showClock(chat.clock);
    if (chat.view !== view) return;
    const json = JSON.stringify(chat.messages);
    if (json !== shown) { render(chat.messages); shown = json; }
  } catch (error) {
    status(error.message);
  } finally {
    polling = false;
  }
}

function select(id) {
  view = id;
  shown = "";
  for (const button of document.querySelectorAll("#views button")) {
    button.classList.toggle("current", button.dataset.view === id);
  }
  document.getElementById("messages").replaceChildren();
  refresh();
}

async function press(messageId, data) {
  try { status(""); await post("/api/press", {view, message_id: messageId, data}); }
  catch (error) { status(error.message); }
  refresh();
}

async function send(event) {
  event.preventDefault();
  const input = document.getElementById("text");
  const text = input.value;
  if (!text.trim()) return;
  try { status(""); await post("/api/send", {view, text}); input.value = ""; }
  catch (error) { status(error.message); }
  refresh();
}

async function sendFile() {
  const input = document.getElementById("file");
  if (!input.files.length) return;
  const form = new FormData();
  form.append("view", view);
  form.append("file", input.files[0]);
  try { status(""); await api("/api/file", {method: "POST", body: form}); }
  catch (error) { status(error.message); }
  input.value = "";
  refresh();
}

async function move(days) {
  const buttons = [document.getElementById("day"), document.getElementById("week")];
  buttons.forEach(b => { b.disabled = true; });
  status(labels.moving);
  try { const moved = await post("/api/clock", {days}); showClock(moved.clock); status(""); }
  catch (error) { status(error.message); }
  finally { buttons.forEach(b => { b.disabled = false; }); }
  refresh();
}

async function start() {
  const state = await api("/api/state" + (lang ? "?lang=" + encodeURIComponent(lang) : ""));
  labels = state.labels;
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : state.lang;
  document.title = labels.title;
  for (const node of document.querySelectorAll("[data-label]")) node.textContent = labels[node.dataset.label];
  for (const node of document.querySelectorAll("[data-label-placeholder]")) {
    node.placeholder = labels[node.dataset.labelPlaceholder];
  }
  const list = document.getElementById("views");
  for (const v of state.views) {
    const button = el("button", "", v.name);
    button.type = "button";
    button.dataset.view = v.id;
    button.append(el("small", "", v.role));
    button.addEventListener("click", () => select(v.id));
    const item = el("li");
    item.append(button);
    list.append(item);
  }
  showClock(state.clock);
  document.getElementById("compose").addEventListener("submit", send);
  document.getElementById("file").addEventListener("change", sendFile);
  document.getElementById("day").addEventListener("click", () => move(1));
  document.getElementById("week").addEventListener("click", () => move(7));
  select(state.views[0].id);
  setInterval(refresh, 500);
}

start().catch(error => status(error.message));
