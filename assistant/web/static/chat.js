// The page: a conversation with the articles (one question in flight at a time), and the views
// of the library, the briefs and a case. Every sentence shown comes from the server (prompts/)
// or from the documents.

import { $, $$, api, button, element, inSession, say, sayError, state } from "./api.js";
import { refreshBrief, refreshBriefs, setUpBriefs } from "./brief.js";
import { asTag, renderCard } from "./cards.js";
import { setUpCase } from "./case.js";
import { refreshCollections, refreshLibrary, setUpLibrary } from "./library.js";

let busy = false;

async function start() {
  const session = await api("/sessions", { method: "POST" });
  state.session = session.session_id;
  state.phrases = session.phrases;
  $("#greeting").textContent = session.greeting;
  $("#starters").replaceChildren(
    ...session.starters.map((starter) => {
      const item = element("li");
      item.append(button(starter.question, "starter", () => ask(starter.question)));
      return item;
    }),
  );
  await refreshBrief();
}

function showStarters(open) {
  $("#welcome").hidden = !open;
  $("#starters-toggle").setAttribute("aria-expanded", String(open));
  if (open) $("#welcome").scrollIntoView({ block: "nearest" });
}

// While a question is searched, nothing else can be asked: the controls that ask are disabled.
function setBusy(on) {
  busy = on;
  $("#ask").setAttribute("aria-busy", String(on));
  for (const control of $$("#ask-button, .starter, .more")) control.disabled = on;
}

// The question being searched, shown in the conversation until its answer replaces it.
function pendingTurn(question) {
  const turn = element("li", "turn pending");
  turn.append(element("p", "asked", question), element("p", "message", state.phrases.thinking));
  $("#turns").append(turn);
  turn.scrollIntoView({ block: "nearest" });
  return turn;
}

// True when the question was answered. The question stays in the box until then, so that a
// failed one can be asked again with Enter.
async function ask(question) {
  if (busy) return false;
  setBusy(true);
  const box = $("#question");
  const body = { question, mode: $("#ask").elements.mode.value, voice: $("#voice").value };
  if ($("#collection").value) body.collection = $("#collection").value;
  if ($("#grouping").value) body.per_document = Number($("#grouping").value);
  const pending = pendingTurn(question);
  say(state.phrases.thinking);
  try {
    const asked = (session) => api("/ask", { method: "POST", body: { ...body, session_id: session } });
    const answer = await inSession(asked);
    const turn = renderTurn(answer);
    pending.replaceWith(turn);
    showStarters(false);
    turn.scrollIntoView({ block: "start" });
    if (box.value.trim() === question) box.value = "";
    if ($("#status").textContent === state.phrases.thinking) say("");
    return true;
  } catch (error) {
    pending.remove();
    sayError(error);
    if (!box.value.trim()) box.value = question;
    return false;
  } finally {
    setBusy(false);
  }
}

// An answer's passages with their key sentences; a reply that is not an answer shows the
// nearest passages under a label that says so, with no sentence marked as the key one.
function renderTurn(answer) {
  const turn = element("li", answer.answered ? "turn" : "turn unanswered");
  turn.dataset.followup = answer.followup;
  turn.append(element("p", "asked", answer.question));
  if (answer.echo) turn.append(element("p", "echo", answer.echo));
  turn.append(element("p", answer.answered ? "message" : "message unanswered", answer.message));
  if (!answer.answered && answer.passages.length) turn.append(element("p", "nearest", state.phrases.nearest));
  const tag = answer.followup === "new" ? asTag(answer.question) : "";
  answer.passages.forEach((passage, i) => {
    turn.append(renderCard(passage, answer.offset + i + 1, { tag, answered: answer.answered }));
  });
  if (answer.passages.length) {
    const more = button("More", "more", async () => {
      if (await ask("more")) more.remove();
    });
    turn.append(more);
  }
  return turn;
}

const VIEWS = { ask: null, library: refreshLibrary, briefs: refreshBriefs, case: null };

async function showView(name) {
  for (const tab of $$(".views button")) tab.setAttribute("aria-pressed", String(tab.dataset.view === name));
  for (const view of Object.keys(VIEWS)) $(`#view-${view}`).hidden = view !== name;
  $("#ask").hidden = name !== "ask";
  try {
    if (VIEWS[name]) await VIEWS[name]();
  } catch (error) {
    sayError(error);
  }
}

function setUp() {
  const form = $("#ask");
  const box = $("#question");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = box.value.trim();
    if (question) ask(question);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit(); // while a question is searched, ask() does nothing
    } else if (event.key === "Escape") {
      box.value = "";
    }
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select");
    if (event.key === "/" && !typing && !form.hidden) {
      event.preventDefault();
      box.focus();
    }
  });
  $("#starters-toggle").addEventListener("click", () => showStarters($("#welcome").hidden));
  for (const tab of $$(".views button")) tab.addEventListener("click", () => showView(tab.dataset.view));
  setUpLibrary();
  setUpBriefs();
  setUpCase();
  state.restart = start;
  start()
    .then(() => {
      box.focus();
      return refreshCollections();
    })
    .catch(sayError);
}

setUp();
