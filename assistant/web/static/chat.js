// The chat page: asks the API and shows its answers. Every sentence shown comes from the server
// (prompts/) or from the articles; text is always set with textContent, never parsed as HTML.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const state = { session: null, phrases: {}, briefSize: 0 };

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const init = { ...options, headers: { accept: "application/json" } };
  if (options.body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body.detail || response.statusText);
  return body;
}

function say(text) {
  $("#status").textContent = text || "";
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Offsets count code points (Python strings), so slice by code point, not UTF-16 unit.
function split(text, start, highlight) {
  const chars = Array.from(text);
  if (!highlight) return [text, "", ""];
  const lo = highlight.start - start;
  const hi = highlight.end - start;
  return [chars.slice(0, lo).join(""), chars.slice(lo, hi).join(""), chars.slice(hi).join("")];
}

// A line break inside a sentence (a PDF's or a hard-wrapped file's: after a word, a comma or a
// hyphen) reads as a space, character for character, so offsets stay the document's; a break
// after a colon or a full stop, and a blank line, still part what they part.
const reflow = (text) => text.replace(/([\p{L}\p{N},;\-])\n(?=[^\n])/gu, "$1 ");

function fillText(node, passage, highlight) {
  const [before, key, after] = split(passage.text, passage.start, highlight).map(reflow);
  node.replaceChildren(document.createTextNode(before));
  if (key) node.append(element("mark", "key", key), document.createTextNode(after));
}

function documentLink(passage) {
  const mark = passage.highlight ? `?highlight=${passage.highlight.start}-${passage.highlight.end}` : "";
  return `/documents/${encodeURIComponent(passage.document_id)}${mark}#${encodeURIComponent(passage.id)}`;
}

async function start() {
  const session = await api("/sessions", { method: "POST" });
  state.session = session.session_id;
  state.phrases = session.phrases;
  $("#greeting").textContent = session.greeting;
  const list = $("#starters");
  list.replaceChildren();
  for (const starter of session.starters) {
    const button = element("button", "starter", starter.question);
    button.type = "button";
    button.addEventListener("click", () => ask(starter.question));
    const item = element("li");
    item.append(button);
    list.append(item);
  }
  await refreshBrief();
}

async function ask(question) {
  const form = $("#ask");
  const body = {
    question,
    session_id: state.session,
    mode: form.elements.mode.value,
    voice: $("#voice").value,
  };
  say(state.phrases.thinking);
  $("#ask-button").disabled = true;
  try {
    let answer;
    try {
      answer = await api("/ask", { method: "POST", body });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      await start(); // the conversation expired on the server: start again and ask once more
      answer = await api("/ask", { method: "POST", body: { ...body, session_id: state.session } });
      say(state.phrases.session_restarted);
    }
    renderTurn(answer);
    if ($("#status").textContent === state.phrases.thinking) say("");
  } catch (error) {
    say(error instanceof ApiError ? error.message : state.phrases.unreachable);
  } finally {
    $("#ask-button").disabled = false;
  }
}

function renderTurn(answer) {
  const turn = element("li", "turn");
  turn.dataset.followup = answer.followup;
  turn.append(element("p", "asked", answer.question));
  if (answer.echo) turn.append(element("p", "echo", answer.echo));
  turn.append(element("p", answer.answered ? "message" : "message unanswered", answer.message));
  // the tag box starts with the user's own question when it can be a tag (one line, not too long)
  const fits = answer.question.length <= 300 && !/[\r\n]/.test(answer.question);
  const tag = answer.followup === "new" && fits ? answer.question : "";
  answer.passages.forEach((passage, i) => turn.append(renderCard(passage, answer.offset + i + 1, tag)));
  if (answer.passages.length) {
    const more = element("button", "more", "More");
    more.type = "button";
    more.addEventListener("click", () => {
      more.remove();
      ask("more");
    });
    turn.append(more);
  }
  $("#turns").append(turn);
  $("#welcome").hidden = true;
  turn.scrollIntoView({ block: "start" });
}

function renderCard(passage, rank, tag) {
  const card = $("#card-template").content.firstElementChild.cloneNode(true);
  card.dataset.passageId = passage.id;
  $(".rank", card).textContent = rank;
  $(".citation", card).textContent = passage.citation;
  $(".section", card).textContent = passage.section;
  $(".paragraph", card).textContent = `¶${passage.paragraph}`;
  const badge = $(".badge", card);
  badge.textContent = passage.speaker ? `${passage.voice}: ${passage.speaker}` : passage.voice;
  badge.classList.add(`voice-${passage.voice}`);
  $(".notes", card).textContent = passage.notes.length ? `n. ${passage.notes.join(", ")}` : "";
  $(".score", card).textContent = passage.score === null ? "" : passage.score.toFixed(3);
  fillText($(".text", card), passage, passage.highlight);
  $(".open", card).href = documentLink(passage);
  $(".tag", card).value = tag;
  $(".context-toggle", card).addEventListener("click", (event) => toggleContext(card, passage, event.currentTarget));
  $(".copy", card).addEventListener("click", () => copyCard(card, passage));
  $(".add", card).addEventListener("click", () => addToBrief(card, passage));
  return card;
}

async function toggleContext(card, passage, button) {
  const before = $(".context.before", card);
  const after = $(".context.after", card);
  const notes = $(".context.note-texts", card);
  const open = button.getAttribute("aria-expanded") === "true";
  if (open) {
    before.hidden = after.hidden = notes.hidden = true;
    button.setAttribute("aria-expanded", "false");
    return;
  }
  try {
    const context = await api(`/passages/${encodeURIComponent(passage.id)}?context=2`);
    const fill = (node, neighbours) => {
      node.replaceChildren(
        ...neighbours.map((p) => {
          const para = element("p", "neighbour");
          para.append(element("span", "paragraph", `¶${p.paragraph} `), document.createTextNode(reflow(p.text)));
          return para;
        }),
      );
      node.hidden = neighbours.length === 0;
    };
    fill(before, context.before);
    fill(after, context.after);
    notes.replaceChildren(
      ...context.notes.map((note) => {
        const para = element("p", "note");
        para.append(element("span", "paragraph", `n. ${note.label} `), document.createTextNode(note.text));
        return para;
      }),
    );
    notes.hidden = context.notes.length === 0;
    button.setAttribute("aria-expanded", "true");
  } catch (error) {
    say(error instanceof ApiError ? error.message : state.phrases.unreachable);
  }
}

function cardRequest(card, passage) {
  return { passage_id: passage.id, tag: $(".tag", card).value, highlight: passage.highlight };
}

// The card as HTML for word processors: tag, bold cite line, key sentence underlined and marked.
function cardHtml(made) {
  const root = element("div");
  if (made.tag) root.append(element("h4", null, made.tag));
  const cite = element("p");
  cite.append(element("b", null, made.short_cite), element("b", null, ` (${made.full_cite})`));
  const text = element("p");
  const [before, key, after] = split(made.text, made.start, made.highlight);
  text.append(document.createTextNode(before));
  if (key) {
    const underline = element("u");
    underline.append(element("mark", null, key));
    text.append(underline, document.createTextNode(after));
  }
  root.append(cite, text);
  return root.innerHTML;
}

async function copyCard(card, passage) {
  let made;
  try {
    made = await api("/cards", { method: "POST", body: cardRequest(card, passage) });
  } catch (error) {
    say(error instanceof ApiError ? error.message : state.phrases.unreachable);
    return;
  }
  try {
    if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      await navigator.clipboard.write([
        new ClipboardItem({
          "text/plain": new Blob([made.markdown], { type: "text/plain" }),
          "text/html": new Blob([cardHtml(made)], { type: "text/html" }),
        }),
      ]);
    } else {
      await navigator.clipboard.writeText(made.markdown);
    }
    say(state.phrases.copied);
  } catch {
    say(state.phrases.copy_failed);
  }
}

async function addToBrief(card, passage) {
  try {
    const brief = await api(`/sessions/${state.session}/brief`, { method: "POST", body: cardRequest(card, passage) });
    renderBrief(brief);
    say(brief.message);
  } catch (error) {
    say(error instanceof ApiError ? error.message : state.phrases.unreachable);
  }
}

async function refreshBrief() {
  renderBrief(await api(`/sessions/${state.session}/brief`));
}

function renderBrief(brief) {
  const list = $("#brief-cards");
  list.replaceChildren();
  for (const made of brief.cards) {
    const item = element("li", "brief-card");
    item.dataset.cardId = made.id;
    item.append(element("span", "brief-tag", made.tag), element("span", "brief-cite", made.short_cite));
    item.append(element("span", "brief-words", Array.from(made.text).slice(0, 90).join("")));
    const remove = element("button", "remove", "Remove");
    remove.type = "button";
    remove.setAttribute("aria-label", `Remove card ${made.id}`);
    remove.addEventListener("click", async () => {
      try {
        const after = await api(`/sessions/${state.session}/brief/${made.id}`, { method: "DELETE" });
        renderBrief(after);
        say(after.message);
      } catch (error) {
        say(error instanceof ApiError ? error.message : state.phrases.unreachable);
      }
    });
    item.append(remove);
    list.append(item);
  }
  state.briefSize = brief.cards.length;
  $("#brief-count").textContent = state.briefSize;
  for (const [id, format] of [["#export-docx", "docx"], ["#export-md", "md"]]) {
    const link = $(id);
    if (state.briefSize) {
      link.href = `/sessions/${state.session}/brief.${format}`;
      link.setAttribute("download", `brief.${format}`);
      link.removeAttribute("aria-disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }
}

function setUp() {
  const form = $("#ask");
  const box = $("#question");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = box.value.trim();
    if (!question) return;
    box.value = "";
    ask(question);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape") {
      box.value = "";
    }
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select");
    if (event.key === "/" && !typing) {
      event.preventDefault();
      box.focus();
    }
  });
  start()
    .then(() => box.focus())
    .catch(() => say(state.phrases.unreachable || ""));
}

document.addEventListener("DOMContentLoaded", setUp);
