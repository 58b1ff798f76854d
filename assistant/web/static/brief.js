// Briefs: the conversation's current brief beside every view, and the named briefs kept by the
// server (create, rename, reopen as the current one, delete, download).

import { $, api, button, element, inSession, say, sayError, state } from "./api.js";

const path = (session, rest = "") => `/sessions/${encodeURIComponent(session)}/brief${rest}`;
const named = (id, rest = "") => `/briefs/${encodeURIComponent(id)}${rest}`;

export async function addCard(request) {
  try {
    const brief = await inSession((session) => api(path(session), { method: "POST", body: request }));
    renderBrief(brief);
    say(brief.message);
  } catch (error) {
    sayError(error);
  }
}

export async function refreshBrief() {
  renderBrief(await inSession((session) => api(path(session))));
}

// A card whose passage changed or is gone since it was added is kept as added, and flagged.
function briefCard(made, onRemove) {
  const number = made.number;
  const item = element("li", made.stale ? "brief-card stale" : "brief-card");
  item.dataset.cardId = number;
  item.append(element("span", "brief-tag", made.tag), element("span", "brief-cite", made.short_cite));
  item.append(element("span", "brief-words", Array.from(made.text).slice(0, 90).join("")));
  if (made.stale) {
    const flag = element("span", "stale-flag", state.phrases.stale);
    if (made.stale_reason) flag.append(element("span", "stale-reason", ` ${made.stale_reason}`));
    item.append(flag);
  }
  const remove = button("Remove", "remove", () => onRemove(number));
  remove.setAttribute("aria-label", `Remove card ${number}`);
  item.append(remove);
  return item;
}

function renderBrief(brief) {
  $("#brief-title").textContent = brief.name || $("#brief-title").dataset.default;
  $("#brief-cards").replaceChildren(...brief.cards.map((made) => briefCard(made, removeCard)));
  $("#brief-count").textContent = brief.cards.length;
  for (const [id, format] of [["#export-docx", "docx"], ["#export-md", "md"]]) {
    const link = $(id);
    if (brief.cards.length) {
      link.href = path(state.session, `.${format}`);
      link.setAttribute("download", `brief.${format}`);
      link.removeAttribute("aria-disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }
}

async function removeCard(number) {
  try {
    const after = await inSession((session) => api(path(session, `/${number}`), { method: "DELETE" }));
    renderBrief(after);
    say(after.message);
  } catch (error) {
    sayError(error);
  }
}

// Make a named brief the conversation's current one: the cards added next go into it.
export async function openBrief(id) {
  await inSession((session) => api(path(session, "/open"), { method: "POST", body: { brief_id: id } }));
  await refreshBrief();
}

function briefRow(summary) {
  const item = element("li", "brief-row");
  item.dataset.briefId = summary.id;
  const name = element("input", "brief-name");
  name.defaultValue = summary.name;
  name.maxLength = 200;
  name.setAttribute("aria-label", "Brief name");
  const updated = new Date(summary.updated).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  const facts = element("span", "brief-facts", `${summary.cards} cards · ${updated}`);
  const act = (run, done) => async () => {
    try {
      await run();
      await refreshBriefs();
      say(done);
    } catch (error) {
      sayError(error);
    }
  };
  const open = button("Open", "open-brief", act(() => openBrief(summary.id), state.phrases.brief_opened));
  const rename = button(
    "Rename",
    "rename-brief",
    act(() => api(named(summary.id), { method: "PATCH", body: { name: name.value } }), state.phrases.brief_renamed),
  );
  const remove = button("Delete", "delete-brief", async () => {
    if (!window.confirm(state.phrases.confirm_delete_brief)) return;
    await act(() => api(named(summary.id), { method: "DELETE" }), state.phrases.brief_deleted)();
  });
  const links = ["docx", "md"].map((format) => {
    const link = element("a", "button", `.${format}`);
    link.href = named(summary.id, `.${format}`);
    link.download = `${summary.name}.${format}`;
    return link;
  });
  item.append(name, facts, open, rename, remove, ...links);
  return item;
}

export async function refreshBriefs() {
  const briefs = await api("/briefs");
  $("#briefs").replaceChildren(...briefs.map(briefRow));
}

// A new named brief, opened as the current one.
export async function createBrief(name) {
  const brief = await api("/briefs", { method: "POST", body: { name } });
  await openBrief(brief.id);
  return brief;
}

export function setUpBriefs() {
  $("#new-brief").addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("#new-brief-name");
    try {
      await createBrief(box.value.trim());
      box.value = "";
      await refreshBriefs();
      say(state.phrases.brief_opened);
    } catch (error) {
      sayError(error);
    }
  });
}
