// The example frontend: plain JavaScript, no build step, no dependencies; replace it with
// your own build. Served from the API's origin, so every call is a relative URL. A strict
// Content-Security-Policy applies: no inline code or styles, and the DOM is built with
// createElement and text nodes only (never innerHTML), so API data never becomes markup.

const API = "/api/v1";
const TOKEN_KEY = "access_token"; // sessionStorage: survives a reload, not a closed tab
const PAGE_SIZE = 20;

// ---- DOM helpers ----
const $ = (id) => document.getElementById(id);

/** An element with attributes and children; strings become text nodes, never markup. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Puts a message in the aria-live region, which screen readers announce. */
function say(message, kind = "info") {
  const region = $("status");
  region.textContent = message;
  region.dataset.kind = kind; // styles errors and successes apart (styles.css)
}

/** An expected failure whose message is meant for the user. */
class UserError extends Error {}

/** Thrown once a 401 has signed the user out: its message is already on screen. */
class SessionEnded extends Error {}

function report(error) {
  if (error instanceof SessionEnded) return;
  if (!(error instanceof UserError)) console.error(error); // a bug: keep its stack
  say(error.message, "error");
}

/** Runs `task` once at a time for `node`: a double click or a second Enter is ignored. */
async function busy(node, task) {
  if (node.getAttribute("aria-busy") === "true") return;
  node.setAttribute("aria-busy", "true");
  try {
    await task();
  } catch (error) {
    report(error);
  } finally {
    node.removeAttribute("aria-busy");
  }
}

/** Handles a form's submit (Enter or its button) in JS instead of navigating. */
function onSubmit(form, handler) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, () => handler(form));
  });
}

// ---- API calls ----
/**
 * Calls the API and returns its JSON (null for 204). `json` sends a JSON body, `form` a
 * URL-encoded one. Errors come back as {"error": {"code", "message", "details"}}.
 */
async function api(path, { method, json, form } = {}) {
  const headers = { Accept: "application/json" };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = new URLSearchParams(form); // fetch sets application/x-www-form-urlencoded
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  method ??= body === undefined ? "GET" : "POST";

  let response;
  try {
    response = await fetch(API + path, { method, headers, body });
  } catch {
    throw new UserError("The server cannot be reached. Check your connection and try again.");
  }
  // With a token sent, 401 means it expired (or the account is gone): sign out.
  if (response.status === 401 && token) {
    endSession("Your session has expired. Please sign in again.", "error");
    throw new SessionEnded();
  }
  if (!response.ok) throw new UserError(await errorMessage(response));
  return response.status === 204 ? null : response.json();
}

/** The envelope's message, plus each validation problem that says more than it. */
async function errorMessage(response) {
  const body = await response.json().catch(() => null); // a proxy's HTML error page
  const error = body?.error;
  if (!error?.message) {
    return body?.message ?? `The request failed (${response.status} ${response.statusText}).`;
  }
  const problems = (error.details ?? [])
    .filter((detail) => detail.message !== error.message)
    .map((detail) => `${detail.field.replace(/^(body|query|path)\./, "")}: ${detail.message}`);
  return problems.length ? `${error.message}: ${problems.join("; ")}` : error.message;
}

// ---- session ----
// Each part of the page registers here to load or clear its data on sign-in and sign-out,
// so this code needs to know nothing about the parts.
const sessionHooks = [];
const onSession = (hook) => sessionHooks.push(hook);

function runHooks(signedIn) {
  for (const hook of sessionHooks) Promise.resolve(hook(signedIn)).catch(report);
}

/** Shows the [data-session] elements of `state` ("in", "out"), hides the rest. */
function showSession(state) {
  for (const node of document.querySelectorAll("[data-session]")) {
    node.hidden = node.dataset.session !== state;
  }
}

async function startSession() {
  const user = await api("/users/me");
  $("whoami").textContent = `Signed in as ${user.email}`;
  showSession("in");
  runHooks(true);
}

function endSession(message, kind = "info") {
  sessionStorage.removeItem(TOKEN_KEY);
  $("whoami").textContent = "";
  showSession("out");
  runHooks(false);
  say(message, kind);
}

onSubmit($("register-form"), async (form) => {
  const user = await api("/auth/register", {
    json: { email: $("register-email").value, password: $("register-password").value },
  });
  form.reset();
  // Registering does not sign in: hand over to the sign-in form, e-mail filled in.
  $("login-email").value = user.email;
  $("login-password").focus();
  say(`Account created for ${user.email}. Sign in to continue.`, "success");
});

onSubmit($("login-form"), async (form) => {
  // OAuth2's password flow: a URL-encoded form whose `username` is the e-mail.
  const token = await api("/auth/login", {
    form: { username: $("login-email").value, password: $("login-password").value },
  });
  sessionStorage.setItem(TOKEN_KEY, token.access_token);
  form.reset();
  await startSession();
  say("Signed in.", "success");
  $("item-title").focus(); // the form just used is hidden now
});

$("logout").addEventListener("click", () => {
  // Tokens are stateless JWTs: forgetting ours is signing out.
  endSession("Signed out.");
  $("login-email").focus();
});

// ---- password reset ----
/** The form for a new password, with the mail's token in it when a link brought it. */
function showReset(token = "") {
  endSession(""); // the new password ends every session anyway
  $("reset-token").value = token;
  showSession("reset");
  (token ? $("reset-password") : $("reset-token")).focus();
}

/** A reset link's token (#token=…), taken out of the address bar and the history. */
function takeResetToken() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (token) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return token;
}

// A link opened in a tab that shows this page already changes only the address's hash.
window.addEventListener("hashchange", () => {
  const token = takeResetToken();
  if (token) showReset(token);
});

onSubmit($("forgot-form"), async (form) => {
  const email = $("forgot-email").value;
  // The same answer whether or not the address has an account.
  await api("/auth/password-reset", { json: { email } });
  form.reset();
  showReset();
  say(`If ${email} has an account, a reset link is on its way to it.`, "success");
});

onSubmit($("reset-form"), async (form) => {
  await api("/auth/password-reset/confirm", {
    json: { token: $("reset-token").value.trim(), password: $("reset-password").value },
  });
  form.reset();
  showSession("out");
  say("Password changed. Sign in with the new one.", "success");
  $("login-email").focus();
});

$("reset-cancel").addEventListener("click", () => {
  $("reset-form").reset();
  showSession("out");
  say("");
  $("login-email").focus();
});

// ---- paginated lists ----
/**
 * A list filled a page at a time: pages are {items, limit, next_cursor}, ordered oldest
 * first; "More" passes next_cursor back as `cursor`, and null means the last page.
 */
function pager({ list, more, path, row, onPage = () => {} }) {
  let cursor = null;
  let generation = 0; // bumped by clear(), so a page arriving after it is dropped
  const shown = new Set(); // ids on screen: add() may show a row a later page holds too

  function add(record) {
    if (shown.has(record.id)) return;
    shown.add(record.id);
    list.append(row(record));
  }

  function clear() {
    generation += 1;
    cursor = null;
    shown.clear();
    list.replaceChildren();
    more.hidden = true;
  }

  async function load() {
    const mine = generation;
    const query = new URLSearchParams({ limit: PAGE_SIZE });
    if (cursor) query.set("cursor", cursor);
    const page = await api(`${path}?${query}`);
    if (mine !== generation) return;
    page.items.forEach(add);
    cursor = page.next_cursor;
    more.hidden = cursor === null;
    onPage();
  }

  more.addEventListener("click", () =>
    busy(more, async () => {
      const first = list.children.length;
      await load();
      // The button hides after the last page: keep keyboard focus in the list.
      if (more.hidden) list.children[first]?.querySelector("button")?.focus();
    }),
  );

  async function reload() {
    clear();
    await load();
  }

  return { add, clear, reload };
}

// ---- items ----
const items = pager({ list: $("items"), more: $("items-more"), path: "/items", row: itemRow });
onSession((signedIn) => (signedIn ? items.reload() : items.clear()));

function itemRow(item) {
  const remove = el("button", { type: "button", "data-action": "delete",
    "aria-label": `Delete ${item.title}` }, "Delete");
  const text = el("div", {}, el("strong", {}, item.title));
  if (item.description) text.append(el("p", { class: "hint" }, item.description));
  const row = el("li", { "data-id": item.id }, text, remove);
  remove.addEventListener("click", () => busy(remove, () => deleteItem(row, item)));
  return row;
}

async function deleteItem(row, item) {
  await api(`/items/${item.id}`, { method: "DELETE" });
  // Focus moves to a neighbour before the row (and its focused button) goes.
  const neighbour = row.nextElementSibling ?? row.previousElementSibling;
  (neighbour?.querySelector("button") ?? $("item-title")).focus();
  row.remove();
  say(`Deleted “${item.title}”.`, "success");
}

onSubmit($("item-form"), async (form) => {
  const description = $("item-description").value;
  const item = await api("/items", {
    json: { title: $("item-title").value, description: description.trim() ? description : null },
  });
  form.reset();
  items.add(item);
  say(`Added “${item.title}”.`, "success");
  $("item-title").focus();
});

{%- if cookiecutter.use_s3_uploads == "y" %}
// ---- uploads ----
// The file goes straight from the browser to S3 with a presigned POST; the API then
// checks it is there ("complete"), and a background job checksums it.

const POLL_EVERY_MS = 1500;
const POLL_FOR_MS = 30_000;
const WAITING = "uploaded"; // in S3 and confirmed; the job has not run yet
const PROCESSED = "processed"; // the job recorded its checksum: done
const STATUS_TEXT = { pending: "Not uploaded", uploaded: "Processing…", processed: "Ready" };
let pollTimer;

const uploads = pager({
  list: $("uploads"), more: $("uploads-more"), path: "/uploads", row: uploadRow,
  onPage: () => pollWhileWaiting(),
});
onSession((signedIn) => {
  clearTimeout(pollTimer);
  return signedIn ? uploads.reload() : uploads.clear();
});

function uploadRow(upload) {
  const download = el("button", { type: "button", "data-action": "download",
    "aria-label": `Download ${upload.filename}` }, "Download");
  const row = el("li", { "data-id": upload.id },
    el("div", {}, el("strong", {}, upload.filename), " ",
      el("span", { class: "hint" }, formatSize(upload.size), " · ",
        el("span", { class: "upload-status" }))),
    download);
  setStatus(row, upload.status);
  download.addEventListener("click", () => busy(download, () => downloadUpload(upload)));
  return row;
}

function setStatus(row, status) {
  row.dataset.status = status;
  row.querySelector(".upload-status").textContent = STATUS_TEXT[status] ?? status;
  // A pending upload has no file in S3 yet, and the API refuses to sign its download.
  row.querySelector("button").disabled = status === "pending";
}

function formatSize(bytes) {
  const units = ["B", "KB", "MB", "GB"];
  let unit = 0;
  for (; bytes >= 1024 && unit < units.length - 1; unit += 1) bytes /= 1024;
  return `${unit ? bytes.toFixed(1) : bytes} ${units[unit]}`;
}

async function downloadUpload(upload) {
  // A link valid for minutes, so it is fetched on click. S3 answers it with
  // Content-Disposition: attachment: the browser saves the file and this page stays.
  const link = await api(`/uploads/${upload.id}/download`);
  window.location.assign(link.url);
}

/** POSTs the file to S3: the signed fields first and the file last, as S3 requires. */
async function postToBucket({ url, fields }, file) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append("file", file);
  let response;
  try {
    response = await fetch(url, { method: "POST", body });
  } catch {
    // Also what a bucket without a CORS rule for this origin looks like.
    throw new UserError("The file storage cannot be reached. Try again later.");
  }
  if (!response.ok) {
    // S3 explains a refusal in XML: <Error><Code>…</Code><Message>…</Message></Error>.
    const xml = new DOMParser().parseFromString(await response.text(), "application/xml");
    const reason = xml.querySelector("Error > Message")?.textContent ?? response.status;
    throw new UserError(`The file storage refused the file (${reason}).`);
  }
}

onSubmit($("upload-form"), async (form) => {
  const file = $("upload-file").files[0];
  if (!file) throw new UserError("Choose a file to upload.");
  say(`Uploading ${file.name}…`);
  const presigned = await api("/uploads", {
    json: { filename: file.name, content_type: file.type || "application/octet-stream",
      size: file.size },
  });
  await postToBucket(presigned, file);
  const upload = await api(`/uploads/${presigned.id}/complete`, { method: "POST" });
  form.reset();
  uploads.add(upload);
  say(upload.status === PROCESSED ? `${upload.filename} is uploaded and ready.`
    : `${upload.filename} is uploaded and being processed.`, "success");
  pollWhileWaiting();
});

/** Re-reads each upload still waiting for its job, until none is or POLL_FOR_MS passes. */
function pollWhileWaiting(deadline = Date.now() + POLL_FOR_MS) {
  clearTimeout(pollTimer);
  const selector = `li[data-status="${WAITING}"]`;
  if (!$("uploads").querySelector(selector)) return;
  if (Date.now() > deadline) {
    say("Some uploads are still being processed. Reload the page later to see them.");
    return;
  }
  pollTimer = setTimeout(async () => {
    try {
      for (const row of $("uploads").querySelectorAll(selector)) {
        const upload = await api(`/uploads/${row.dataset.id}`);
        setStatus(row, upload.status);
        if (upload.status === PROCESSED) say(`${upload.filename} is ready.`, "success");
      }
      pollWhileWaiting(deadline);
    } catch (error) {
      report(error); // and stop polling
    }
  }, POLL_EVERY_MS);
}
{%- endif %}

// ---- start ----
const resetToken = takeResetToken();
if (resetToken) {
  showReset(resetToken);
} else if (sessionStorage.getItem(TOKEN_KEY)) {
  // A token from before a reload: check it still works before showing the signed-in page.
  showSession("checking"); // neither state: no flash of the sign-in forms
  startSession().catch((error) => {
    if (!(error instanceof SessionEnded)) endSession(error.message, "error");
  });
} else {
  showSession("out");
}
