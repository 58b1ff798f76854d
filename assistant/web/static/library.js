// The library: the documents served and the files skipped, uploads with their progress,
// corrections of a document's citation, removal, and the collections a question may be asked within.

import { $, $$, api, button, element, say, sayError, state } from "./api.js";
import { refreshBrief } from "./brief.js";

const POLL_MS = 400;
// The citation fields a user may correct, as the API names them.
const FIELDS = ["author", "qualifications", "title", "publication", "year", "url", "accessed"];

function option(value, label) {
  const node = element("option", null, label);
  node.value = value;
  return node;
}

// Every collection selector (the question's, the case's) offers the collections the server has.
export async function refreshCollections() {
  let collections;
  try {
    collections = await api("/collections");
  } catch (error) {
    sayError(error);
    return;
  }
  for (const select of $$("select.collection")) {
    const chosen = select.value;
    select.replaceChildren(select.options[0], ...collections.map((c) => option(c.name, `${c.name} (${c.documents})`)));
    select.value = collections.some((c) => c.name === chosen) ? chosen : "";
  }
  $("#collection-names").replaceChildren(...collections.map((c) => option(c.name)));
}

function editor(doc, row) {
  const form = element("form", "doc-edit");
  for (const field of [...FIELDS, "collections"]) {
    const label = element("label", null, field);
    const input = element("input");
    input.name = field;
    const value = field === "collections" ? (doc.collections || []).join(", ") : doc[field];
    input.value = value === null || value === undefined ? "" : value;
    if (field === "year") input.inputMode = "numeric";
    if (field === "accessed") input.type = "date";
    label.append(input);
    form.append(label);
  }
  const editing = element("tr", "doc-edit-row");
  const cell = element("td");
  cell.colSpan = row.children.length;
  cell.append(form);
  editing.append(cell);
  const save = element("button", null, "Save");
  save.type = "submit";
  form.append(save, button("Cancel", null, () => editing.remove()));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`/documents/${encodeURIComponent(doc.id)}`, { method: "PATCH", body: changes(form, doc) });
      await afterChange();
      say(state.phrases.citation_saved);
    } catch (error) {
      sayError(error);
    }
  });
  row.after(editing);
  form.elements.author.focus();
}

// Only the fields the user changed are sent. An emptied text is cleared (""); an emptied year
// or date goes back to what the document states (null). A year that is not a number is sent as
// typed, for the server to refuse with its reason.
function changes(form, doc) {
  const body = {};
  for (const field of FIELDS) {
    const typed = form.elements[field].value.trim();
    const before = doc[field] === null || doc[field] === undefined ? "" : String(doc[field]);
    if (typed === before) continue;
    if (field === "year") body.year = typed === "" ? null : /^\d+$/.test(typed) ? Number(typed) : typed;
    else if (field === "accessed") body.accessed = typed || null;
    else body[field] = typed;
  }
  const collections = form.elements.collections.value.split(",").map((c) => c.trim()).filter(Boolean);
  if (collections.join("\n") !== (doc.collections || []).join("\n")) body.collections = collections;
  return body;
}

function documentRow(doc) {
  const row = element("tr", "doc");
  row.dataset.documentId = doc.id;
  const title = element("a", null, doc.title);
  title.href = `/documents/${encodeURIComponent(doc.id)}`;
  const cells = [
    title,
    doc.author,
    doc.year,
    doc.origin,
    (doc.collections || []).join(", "),
    doc.passage_count,
  ];
  for (const [i, value] of cells.entries()) {
    const cell = element("td", ["title", "author", "year", "origin", "collections", "passage-count"][i]);
    if (value instanceof Node) cell.append(value);
    else cell.textContent = value === null || value === undefined ? "" : value;
    row.append(cell);
  }
  const actions = element("td", "doc-actions");
  actions.append(
    button("Edit", "edit", () => {
      if (!row.nextElementSibling || !row.nextElementSibling.matches(".doc-edit-row")) editor(doc, row);
    }),
    button("Remove", "remove-doc", () => removeDocument(doc)),
  );
  row.append(actions);
  return row;
}

// A change in the library shows everywhere at once: the list, the collections to ask within,
// and the current brief's cards (their cites, or their stale flags).
async function afterChange() {
  await Promise.all([refreshLibrary(), refreshCollections(), refreshBrief()]);
}

async function removeDocument(doc) {
  if (!window.confirm(state.phrases.confirm_remove)) return;
  try {
    await api(`/documents/${encodeURIComponent(doc.id)}`, { method: "DELETE" });
    await afterChange();
    say(state.phrases.document_removed);
  } catch (error) {
    sayError(error);
  }
}

export async function refreshLibrary() {
  const [documents, health] = await Promise.all([api("/documents"), api("/health")]);
  $("#documents tbody").replaceChildren(...documents.map(documentRow));
  $("#skipped").replaceChildren(
    ...health.skipped.map((s) => {
      const item = element("li");
      item.append(element("span", "skipped-name", s.name), document.createTextNode(` ${s.reason}`));
      return item;
    }),
  );
  $("#no-skipped").hidden = health.skipped.length > 0;
}

// One upload's job, polled until it is done or failed, with its progress bar.
async function follow(job, label) {
  const item = element("li", "job");
  item.dataset.jobId = job.id;
  const bar = element("progress");
  bar.max = 1;
  bar.setAttribute("aria-label", label);
  const stateText = element("span", "job-state", job.state);
  item.append(element("span", "job-name", label), bar, stateText);
  $("#jobs").prepend(item);
  for (;;) {
    // a running job that has not said how far it is shows a bar that moves without a value
    if (job.state === "running" && !job.progress) bar.removeAttribute("value");
    else bar.value = job.progress;
    stateText.textContent = job.state;
    if (job.state === "done" || job.state === "failed") break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await api(`/jobs/${encodeURIComponent(job.id)}`);
  }
  item.classList.add(job.state);
  if (job.state === "failed") {
    item.append(element("span", "job-error", job.error));
    say(job.error);
    return;
  }
  await afterChange();
  say(state.phrases.upload_done);
}

// The form is sent, and its job followed while other uploads can be sent; the collection typed
// stays for the next one.
async function submitUpload(form, label) {
  const body = new FormData(form);
  for (const [key, value] of Array.from(body.entries())) if (value === "") body.delete(key);
  const send = form.querySelector("button[type=submit]");
  send.disabled = true;
  let job;
  try {
    job = await api("/documents", { method: "POST", body });
  } catch (error) {
    sayError(error);
    return;
  } finally {
    send.disabled = false;
  }
  const collection = form.elements.collection.value;
  form.reset();
  form.elements.collection.value = collection;
  follow(job, label).catch(sayError);
}

export function setUpLibrary() {
  $("#upload").addEventListener("submit", (event) => {
    event.preventDefault();
    const file = $("#upload-file").files[0];
    if (file) submitUpload(event.currentTarget, file.name);
  });
  $("#paste").addEventListener("submit", (event) => {
    event.preventDefault();
    submitUpload(event.currentTarget, $("#paste-title").value);
  });
}
