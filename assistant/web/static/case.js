// Preparation against a case: the opponent's case pasted whole, split into claims, each answered
// in rebuttal mode; the passages chosen become the cards of a named brief, downloaded as .docx.

import { $, api, download, element, say, sayError, state } from "./api.js";
import { createBrief, refreshBrief } from "./brief.js";
import { asTag, renderCard } from "./cards.js";

// passage choices of the case shown, in claim order: key → {claim, request}
const chosen = new Map();

// One claim per paragraph when the case has blank lines between paragraphs, else one per line;
// a list's bullet or number is not part of the claim.
export function splitClaims(text) {
  const whole = text.replace(/\r\n?/g, "\n").trim();
  if (!whole) return [];
  const parts = /\n[ \t]*\n/.test(whole) ? whole.split(/\n[ \t]*\n/) : whole.split("\n");
  return parts
    .map((part) =>
      part
        .replace(/\s+/g, " ")
        .trim()
        .replace(/^(?:[-*•–]|\(?\d{1,2}[.)])\s+/u, ""),
    )
    .filter(Boolean);
}

function choose(key, claim, card, request) {
  const add = $(".add", card);
  if (chosen.has(key)) {
    chosen.delete(key);
  } else {
    chosen.set(key, { claim, request });
  }
  add.setAttribute("aria-pressed", String(chosen.has(key)));
  add.textContent = chosen.has(key) ? "Added ✓" : "Add to brief";
  $("#case-chosen").textContent = chosen.size;
}

function renderClaim(answer, n) {
  const item = element("li", answer.answered ? "claim" : "claim unanswered");
  item.append(element("h3", "claim-text", answer.claim));
  item.append(element("p", answer.answered ? "message" : "message unanswered", answer.message));
  if (!answer.answered && answer.passages.length) item.append(element("p", "nearest", state.phrases.nearest));
  const tag = asTag(answer.claim);
  answer.passages.forEach((passage, i) => {
    const key = `${n}:${passage.id}`;
    const onAdd = (card, request) => choose(key, n, card, request);
    const card = renderCard(passage, i + 1, { tag, answered: answer.answered, onAdd });
    $(".add", card).setAttribute("aria-pressed", "false");
    item.append(card);
  });
  return item;
}

async function prepare(event) {
  event.preventDefault();
  const claims = splitClaims($("#case-text").value);
  if (!claims.length) {
    say(state.phrases.case_empty);
    return;
  }
  const body = { claims, k: Number($("#case-k").value) };
  if ($("#case-collection").value) body.collection = $("#case-collection").value;
  const send = $("#case-prepare");
  send.disabled = true;
  say(state.phrases.thinking);
  try {
    const answer = await api("/rebut", { method: "POST", body });
    chosen.clear();
    $("#case-chosen").textContent = 0;
    $("#case-claims").replaceChildren(...answer.claims.map(renderClaim));
    $("#case-export").hidden = false;
    say("");
  } catch (error) {
    sayError(error);
  } finally {
    send.disabled = false;
  }
}

// A named brief of the chosen passages, claim by claim, opened as the current brief and downloaded.
async function exportCase(event) {
  event.preventDefault();
  if (!chosen.size) {
    say(state.phrases.case_nothing_chosen);
    return;
  }
  const name = $("#case-brief-name").value.trim();
  try {
    const brief = await createBrief(name);
    const cards = Array.from(chosen.values()).sort((a, b) => a.claim - b.claim);
    for (const { request } of cards) {
      await api(`/briefs/${encodeURIComponent(brief.id)}/cards`, { method: "POST", body: request });
    }
    await refreshBrief();
    download(`/briefs/${encodeURIComponent(brief.id)}.docx`, `${name}.docx`);
    say(state.phrases.case_exported);
  } catch (error) {
    sayError(error);
  }
}

export function setUpCase() {
  const text = $("#case-text");
  text.addEventListener("input", () => {
    $("#case-count").textContent = splitClaims(text.value).length;
  });
  $("#case-form").addEventListener("submit", prepare);
  $("#case-export").addEventListener("submit", exportCase);
}
