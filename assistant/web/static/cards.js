// A passage shown as a card: one citation line, the text verbatim with its key sentence marked
// (only when it answers), its context on demand, and the actions that make it a debate card.

import { $, api, element, say, sayError, state } from "./api.js";
import { addCard } from "./brief.js";

// Offsets count code points (Python strings), so slice by code point, not UTF-16 unit.
export function split(text, start, highlight) {
  const chars = Array.from(text);
  if (!highlight) return [text, "", ""];
  const lo = highlight.start - start;
  const hi = highlight.end - start;
  return [chars.slice(0, lo).join(""), chars.slice(lo, hi).join(""), chars.slice(hi).join("")];
}

// A line break inside a sentence (a PDF's or a hard-wrapped file's: after a word, a comma or a
// hyphen) reads as a space, character for character, so offsets stay the document's; a break
// after a colon or a full stop, and a blank line, still part what they part.
export const reflow = (text) => text.replace(/([\p{L}\p{N},;\-])\n(?=[^\n])/gu, "$1 ");

function fillText(node, passage, highlight) {
  const [before, key, after] = split(passage.text, passage.start, highlight).map(reflow);
  node.replaceChildren(document.createTextNode(before));
  if (key) node.append(element("mark", "key", key), document.createTextNode(after));
}

function documentLink(passage, highlight) {
  const mark = highlight ? `?highlight=${highlight.start}-${highlight.end}` : "";
  return `/documents/${encodeURIComponent(passage.document_id)}${mark}#${encodeURIComponent(passage.id)}`;
}

// The tag box starts with the user's own words when they can be a tag (one line, not too long).
export const asTag = (words) => (words.length <= 300 && !/[\r\n]/.test(words) ? words : "");

const addToCurrent = (card, request) => addCard(request);

// `answered: false` shows the nearest passages as they are, with no sentence marked as the key
// one; `onAdd(card, passage)` is what "Add to brief" does (the current brief by default).
export function renderCard(passage, rank, { tag = "", answered = true, onAdd = addToCurrent } = {}) {
  const card = $("#card-template").content.firstElementChild.cloneNode(true);
  const highlight = answered ? passage.highlight : null;
  card.dataset.passageId = passage.id;
  $(".rank", card).textContent = rank;
  $(".citation", card).textContent = passage.citation;
  const badge = $(".badge", card);
  badge.textContent = passage.speaker ? `${passage.voice}: ${passage.speaker}` : passage.voice;
  badge.classList.add(`voice-${passage.voice}`);
  $(".notes", card).textContent = passage.notes.length ? `n. ${passage.notes.join(", ")}` : "";
  $(".score", card).textContent = passage.score === null ? "" : passage.score.toFixed(3);
  fillText($(".text", card), passage, highlight);
  $(".open", card).href = documentLink(passage, highlight);
  $(".tag", card).value = tag;
  const request = () => ({ passage_id: passage.id, tag: $(".tag", card).value, highlight });
  $(".context-toggle", card).addEventListener("click", (event) => toggleContext(card, passage, event.currentTarget));
  $(".copy", card).addEventListener("click", () => copyCard(request()));
  $(".add", card).addEventListener("click", () => onAdd(card, request()));
  return card;
}

async function toggleContext(card, passage, toggle) {
  const before = $(".context.before", card);
  const after = $(".context.after", card);
  const notes = $(".context.note-texts", card);
  if (toggle.getAttribute("aria-expanded") === "true") {
    before.hidden = after.hidden = notes.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
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
    toggle.setAttribute("aria-expanded", "true");
  } catch (error) {
    sayError(error);
  }
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

async function copyCard(request) {
  let made;
  try {
    made = await api("/cards", { method: "POST", body: request });
  } catch (error) {
    sayError(error);
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

