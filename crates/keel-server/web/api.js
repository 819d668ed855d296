// The JSON API client. Same origin, the session cookie, and the CSRF token (handed out at sign-in and by
// GET /me) on every request that changes something. Every failure becomes an ApiError carrying the API's
// code, message and located diagnostics, so pages can show exactly what the server said.

let csrf = null;

export function setCsrf(token) {
  csrf = token || null;
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `the server answered HTTP ${status}`);
    this.status = status;
    this.code = e.code || "http_" + status;
    this.diagnostics = e.diagnostics || [];
    this.body = body;
  }
}

function headers(method, extra) {
  const h = Object.assign({}, extra);
  if (method !== "GET" && method !== "HEAD" && csrf) h["X-CSRF-Token"] = csrf;
  return h;
}

async function parse(r) {
  const text = await r.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (_) {
    body = null;
  }
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

/** A JSON request to /api/v1 + path; `body` (if any) is sent as JSON. */
export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: headers(method, {}) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  return parse(await fetch("/api/v1" + path, init));
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body === undefined ? {} : body);

/** The body of a GET as text (CSV results). */
export async function getText(path) {
  const r = await fetch("/api/v1" + path, { credentials: "same-origin" });
  if (!r.ok) await parse(r);
  return r.text();
}

/** Uploads a file's bytes with progress (XMLHttpRequest: fetch cannot report upload progress). */
export function upload(path, file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open("POST", "/api/v1" + path);
    x.withCredentials = true;
    x.setRequestHeader("Content-Type", contentType);
    if (csrf) x.setRequestHeader("X-CSRF-Token", csrf);
    x.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded, e.total);
    };
    x.onload = () => {
      let body = null;
      try {
        body = JSON.parse(x.responseText);
      } catch (_) {
        body = null;
      }
      if (x.status >= 200 && x.status < 300) resolve(body);
      else reject(new ApiError(x.status, body));
    };
    x.onerror = () => reject(new ApiError(0, { error: { message: "the upload did not reach the server" } }));
    x.send(file);
  });
}
