// What every view of the page shares: calls to the API, the conversation it belongs to, the
// fixed sentences it shows (from prompts/, received with the session) and the status line.
// Text is always set with textContent, never parsed as HTML.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

// session: the conversation's id; phrases: the page's sentences; restart: starts a new conversation.
export const state = { session: null, phrases: {}, restart: null };

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

// A JSON body is sent as JSON, a FormData as multipart; the answer is parsed as JSON (204: null).
export async function api(path, options = {}) {
  const init = { method: options.method || "GET", headers: { accept: "application/json" } };
  if (options.body instanceof FormData) {
    init.body = options.body;
  } else if (options.body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  const body = response.status === 204 ? null : await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, (body && body.detail) || response.statusText);
  return body;
}

// A call on the conversation (`call(sessionId)`); when the conversation has expired or is gone
// on the server, a new one is started and the call made once more, and the user is told.
export async function inSession(call) {
  try {
    return await call(state.session);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404 || !(await sessionGone())) throw error;
    await state.restart();
    const result = await call(state.session);
    say(state.phrases.session_restarted);
    return result;
  }
}

async function sessionGone() {
  try {
    await api(`/sessions/${encodeURIComponent(state.session)}/brief`);
    return false;
  } catch (error) {
    return error instanceof ApiError && error.status === 404;
  }
}

export function say(text) {
  $("#status").textContent = text || "";
}

// An error from the API says what was wrong; anything else means the server was not reached.
export function sayError(error) {
  say(error instanceof ApiError ? error.message : state.phrases.unreachable);
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function button(label, className, onClick) {
  const node = element("button", className, label);
  node.type = "button";
  if (onClick) node.addEventListener("click", onClick);
  return node;
}

// A download as the browser would make it from a link, for a file the page has just asked for.
export function download(href, filename) {
  const link = element("a");
  link.href = href;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
}
