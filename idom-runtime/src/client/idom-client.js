// idom browser client — wire protocol v1 (docs/protocol.md).
//
// The server owns all state. The browser holds a *model*: a JSON mirror of the page
// (`{tagName, key?, attributes?, eventHandlers?, children?}` elements and plain-string texts) whose
// root, with `tagName: ""`, is the mount container. One websocket carries JSON text frames:
//   server -> client  {"type":"layout-update","path":"<JSON Pointer>","changes":[<RFC 6902 op>...]}
//   client -> server  {"type":"layout-event","target":"<target>","data":[<event object>]}
//   server -> client  {"type":"location","href":"/users/7","how":"push"|"replace","title"?:"..."}
//   client -> server  {"type":"navigate","href":"/users/7","how":"push"|"pop"}
//   client -> server  {"type":"upload-start","upload":"1","target":"<target>","files":[{name,size,mime}]}
//   server -> client  {"type":"upload-url","upload":"1","urls":["<single-use URL>"|null, ...]}
//   server -> client  {"type":"widget-call","widget":"w3","method":"append","args":<JSON>}
//   server -> client  {"type":"action","action":"focus"|"scroll-into-view"|"copy"|"download"|"eval",...}
// Unknown message types are ignored.
//
// Design:
// - No parallel map from paths to nodes is needed: the DOM mirrors the model index for index, so
//   model `children[i]` of an element is exactly `childNodes[i]` of its DOM node (texts are Text
//   nodes; nothing here ever calls normalize() or merges them). A path is resolved by walking the
//   model and the DOM side by side; a length mismatch on the way (e.g. a browser extension inserted
//   a node) is detected and repaired by rebuilding the DOM from the model.
// - Each operation is applied to the model (the pure `applyPatch` machinery below) and then to the
//   DOM in place: child inserts/removals/replacements/moves, attribute and handler diffs (computed
//   from a snapshot taken before the op, so whole-object and one-member ops are handled alike).
//   Shapes idom never emits fall back to rebuilding from the (always correct) model; a model patch
//   that fails means we are out of step with the server, so we reconnect and get a fresh model.
// - The first update of each connection (path "" with one `add` at "") builds the whole DOM
//   off-screen and swaps it in with a single `container.replaceChildren(...)`, which replaces the
//   server-prerendered HTML without a flash; focus and text typed before that are carried over.
// - Safety: attribute names starting with "on" are refused; javascript:/vbscript:/data:text/html
//   URLs in href/src/action/formaction/xlink:href become "about:blank#blocked". Scripts never run:
//   a model `<script>` is created as an inert `<template data-idom-script>` (template contents are
//   never executed, never rendered, and keep their text children so indices still line up).
// - Events: one listener per (element, DOM type); it reads the element's *current* handler entry,
//   so a replaced target needs no re-binding. Events are dropped while disconnected.
// - Reconnect: jittered exponential backoff, a small "Reconnecting…" banner while disconnected.

const HTML_NS = "http://www.w3.org/1999/xhtml";
const SVG_NS = "http://www.w3.org/2000/svg";
const MATHML_NS = "http://www.w3.org/1998/Math/MathML";
const XLINK_NS = "http://www.w3.org/1999/xlink";
const XML_NS = "http://www.w3.org/XML/1998/namespace";
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "poster", "cite", "data"]);
// Attributes that load a whole document from their value: refused unless the page trusts its data.
const DOCUMENT_ATTRIBUTES = new Set(["srcdoc"]);
const NOTICE_ID = "idom-notice";
const DANGEROUS_URL = /^(?:javascript:|vbscript:|data:text\/html)/;
const BLOCKED_URL = "about:blank#blocked";
const BANNER_ID = "idom-reconnecting";

// ---------------------------------------------------------------------------------------------
// JSON Pointer (RFC 6901) and JSON Patch (RFC 6902) on plain JSON values. Pure: no DOM.

/** Splits a JSON Pointer into unescaped tokens ("" -> []). */
export function parsePointer(pointer) {
  if (pointer === "") return [];
  // RFC 6901 section 3: a "~" is only ever the start of "~0" or "~1".
  if (typeof pointer !== "string" || pointer[0] !== "/" || /~(?![01])/.test(pointer)) {
    throw new Error(`idom: bad JSON Pointer ${JSON.stringify(pointer)}`);
  }
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function arrayIndex(array, token, insert) {
  if (insert && token === "-") return array.length;
  if (!/^(?:0|[1-9][0-9]*)$/.test(token)) throw new Error(`idom: bad array index "${token}"`);
  const i = Number(token);
  if (i > array.length || (!insert && i === array.length)) throw new Error(`idom: index ${i} out of range`);
  return i;
}

function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function lookup(root, tokens) {
  let v = root;
  for (const t of tokens) {
    if (Array.isArray(v)) v = v[arrayIndex(v, t, false)];
    else if (isObject(v) && Object.hasOwn(v, t)) v = v[t];
    else throw new Error(`idom: nothing at ${JSON.stringify(tokens)}`);
  }
  return v;
}

/** Adds (insert) or replaces the value at `tokens`; returns the (possibly new) root. */
function put(root, tokens, value, insert) {
  if (tokens.length === 0) return value;
  const parent = lookup(root, tokens.slice(0, -1));
  const key = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, key, insert);
    if (insert) parent.splice(i, 0, value);
    else parent[i] = value;
  } else if (isObject(parent) && (insert || Object.hasOwn(parent, key))) {
    // "__proto__" is an ordinary member name (RFC 6901); assigning it would set the prototype.
    if (key === "__proto__") Object.defineProperty(parent, key, { value, writable: true, enumerable: true, configurable: true });
    else parent[key] = value;
  } else throw new Error(`idom: cannot set ${JSON.stringify(tokens)}`);
  return root;
}

/** Removes the value at `tokens`; returns {root, value}. */
function take(root, tokens) {
  if (tokens.length === 0) return { root: null, value: root };
  const parent = lookup(root, tokens.slice(0, -1));
  const key = tokens[tokens.length - 1];
  let value;
  if (Array.isArray(parent)) [value] = parent.splice(arrayIndex(parent, key, false), 1);
  else if (isObject(parent) && Object.hasOwn(parent, key)) { value = parent[key]; delete parent[key]; }
  else throw new Error(`idom: nothing to remove at ${JSON.stringify(tokens)}`);
  return { root, value };
}

/** JSON equality as `test` defines it (RFC 6902 section 4.6): the order of members does not count. */
function sameJson(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

/** The operation's `value` member, which add, replace and test must have (RFC 6902 section 4). */
function opValue(op) {
  if (op.value === undefined) throw new Error(`idom: ${op.op} without a value`);
  return op.value;
}

/** Applies one operation whose `path`/`from` are relative to the `base` tokens. */
function applyOperation(root, base, op) {
  const path = base.concat(parsePointer(op.path));
  switch (op.op) {
    case "add": return put(root, path, opValue(op), true);
    case "replace": lookup(root, path); return put(root, path, opValue(op), false);
    case "remove": return take(root, path).root;
    case "move": {
      const from = base.concat(parsePointer(op.from));
      // RFC 6902 section 4.4: "from" must not be a proper prefix of "path" (no move into a child).
      if (from.length < path.length && from.every((t, i) => t === path[i])) throw new Error("idom: move into its own child");
      const t = take(root, from);
      return put(t.root, path, t.value, true);
    }
    case "copy": return put(root, path, structuredClone(lookup(root, base.concat(parsePointer(op.from)))), true);
    case "test":
      if (!sameJson(lookup(root, path), opValue(op))) throw new Error("idom: test failed");
      return root;
    default: throw new Error(`idom: unknown op ${JSON.stringify(op.op)}`);
  }
}

/**
 * Applies a layout-update's `changes` (paths relative to the JSON Pointer `path`) to `model`, in
 * order. Mutates the model in place and returns the resulting root (a new root when an op
 * targets ""). Throws on an operation that does not fit the model.
 */
export function applyPatch(model, path, changes) {
  const base = parsePointer(path);
  for (const op of changes) model = applyOperation(model, base, op);
  return model;
}

// ---------------------------------------------------------------------------------------------
// Events -> flat JSON objects. Pure and duck-typed so it never throws on exotic events.

const tagOf = (t) => (t && typeof t.localName === "string" ? t.localName : typeof t?.tagName === "string" ? t.tagName : "").toLowerCase();

/** Turns a DOM event into the flat event object of the protocol (see docs/protocol.md). */
export function serializeEvent(event) {
  const out = { type: String(event?.type ?? "") };
  try {
    const t = event?.target;
    const tag = tagOf(t);
    if ((tag === "input" || tag === "select" || tag === "textarea") && typeof t.value === "string") {
      out.value = t.value;
      if (tag === "input" && (t.type === "checkbox" || t.type === "radio")) out.checked = !!t.checked;
    }
    const modifiers = () => {
      for (const m of ["altKey", "ctrlKey", "shiftKey", "metaKey"]) out[m] = !!event[m];
    };
    if (typeof event.key === "string" && typeof event.code === "string") {
      Object.assign(out, { key: event.key, code: event.code, repeat: !!event.repeat });
      modifiers();
    }
    if (typeof event.clientX === "number") {
      Object.assign(out, { clientX: event.clientX, clientY: event.clientY, button: event.button ?? 0 });
      modifiers();
    }
    if (out.type === "submit") {
      const form = tag === "form" ? t : t?.form;
      let fd;
      try { fd = new FormData(form, event.submitter ?? null); } catch { fd = new FormData(form); }
      const fields = Object.create(null); // no prototype: a field named "__proto__" is just a field
      for (const [name, value] of fd) {
        // First value wins (like FormData.get); files travel by name only, never their contents.
        if (!(name in fields)) fields[name] = typeof value === "string" ? value : String(value?.name ?? "");
      }
      out.formData = fields;
    }
  } catch (err) {
    console.debug("idom: partial event serialisation", err);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Element creation and attributes.

function createElement(tag, parent) {
  const lower = tag.toLowerCase();
  if (lower === "script") {
    // Never executable: an inert <template> stands in for it (see the header).
    const t = document.createElement("template");
    t.setAttribute("data-idom-script", "");
    return t;
  }
  let ns = parent.namespaceURI;
  if (lower === "svg") ns = SVG_NS;
  else if (lower === "math") ns = MATHML_NS;
  else if (ns === SVG_NS && parent.localName === "foreignObject") ns = HTML_NS; // back to HTML
  else if (ns !== SVG_NS && ns !== MATHML_NS) ns = HTML_NS;
  try {
    return ns === HTML_NS ? document.createElement(tag) : document.createElementNS(ns, tag);
  } catch (err) {
    console.warn(`idom: invalid tag ${JSON.stringify(tag)}, using <span>`, err);
    return document.createElement("span");
  }
}

function isDangerousUrl(value) {
  // Browsers ignore control characters and whitespace around/inside the scheme: strip them first.
  return DANGEROUS_URL.test(value.replace(/[\u0000-\u0020\u007f]/g, "").toLowerCase());
}

function setStyle(el, old, value) {
  if (!isObject(value)) {
    if (typeof value === "string") el.setAttribute("style", value);
    else el.removeAttribute("style");
    return;
  }
  if (!isObject(old)) { el.removeAttribute("style"); old = {}; }
  for (const p of Object.keys(old)) if (!Object.hasOwn(value, p)) el.style.removeProperty(p);
  for (const [p, v] of Object.entries(value)) {
    if (old[p] === v) continue;
    const s = String(v);
    const important = /\s*!important\s*$/i;
    el.style.setProperty(p, s.replace(important, ""), important.test(s) ? "important" : "");
  }
}

// Attribute order when setting many: `type` first (it changes how `value` is sanitised), then the
// rest, then the DOM-property ones (a <select>'s value needs its options, which exist by then).
const rank = (n) => (n === "type" ? 0 : n === "value" || n === "checked" || n === "selected" ? 2 : 1);

// ---------------------------------------------------------------------------------------------
// A mounted session: one container, one (re)connecting websocket, the model.

class Session {
  constructor(container, options) {
    this.container = container;
    this.url = streamUrl(container, options);
    // The stream URL names the page (`loc`) afresh on every connect, so a reconnect after back or
    // forward resumes where the browser is.
    this.sendsLoc = !options.url;
    // The app's prefix: links under it are the app's pages (see `navigation`).
    this.base = container.getAttribute("data-idom-base") || "/";
    this.navigable = false; // true once a per-client server named the session
    // The server's id for this page's session; sent back on reconnect to resume it.
    this.sessionId = null;
    // Set by the server (data-idom-trusted-urls) when the app opted in to script URLs.
    this.trustedUrls = container.hasAttribute("data-idom-trusted-urls");
    this.backoff = { initialDelayMs: 250, maxDelayMs: 10000, jitter: 0.5, ...options.reconnect };
    this.model = this.ws = null;
    this.live = false; // true once this connection's full model has arrived
    this.attempt = this.timer = 0; // reconnect attempts since the last full model; pending retry
    this.closed = false;
    this.listeners = new WeakMap(); // element -> Map(DOM event type -> {spec, listener})
    this.inputs = new WeakMap(); // input/textarea -> {sent: [{value, at}], server, timer}
    this.uploads = new Map(); // announced upload id -> the File objects waiting for their URLs
    this.widgets = new Map(); // <idom-widget> element -> its widget (see "Widgets")
    this.widgetIds = new Map(); // widget id (the `widget` attribute) -> its widget
    this.earlyCalls = new Map(); // widget id -> calls that came before its element
    this.modules = new Map(); // module URL -> the promise of its import (once per page)
    // A widget whose element left the page is unmounted, however it left (a patch, a rebuild).
    this.gone = new MutationObserver((records) => this.sweepWidgets(records));
    this.gone.observe(container, { childList: true, subtree: true });
    this.uploadSeq = 0;
    this.srtt = 250; // smoothed round trip of input echoes, ms
    this.onOnline = () => { if (this.timer) { clearTimeout(this.timer); this.connect(); } };
    addEventListener("online", this.onOnline);
    this.onClick = (e) => this.click(e);
    this.onPopState = () => this.popState();
    document.addEventListener("click", this.onClick);
    addEventListener("popstate", this.onPopState);
    this.connect();
  }

  connect() {
    this.timer = 0;
    let ws;
    const url = new URL(this.url);
    if (this.sessionId) url.searchParams.set("session", this.sessionId);
    if (this.sendsLoc) url.searchParams.set("loc", location.pathname + location.search);
    try { ws = new WebSocket(url.href); } catch (err) { console.error("idom:", err); return this.lost(null); }
    this.ws = ws;
    ws.onmessage = (e) => { if (this.ws === ws) this.receive(e.data); };
    ws.onerror = () => ws.close(); // a close event follows
    ws.onclose = (e) => { if (this.ws === ws) this.lost(e); };
  }

  /** The socket is gone: show the banner and try again later. */
  lost(closeEvent) {
    this.ws = null;
    this.live = false;
    this.uploads.clear(); // files announced to this connection get no URLs now
    if (this.closed) return;
    const code = closeEvent?.code ?? 0;
    showBanner(code >= 4000 && code <= 4999 ? closeEvent.reason : "");
    if (this.timer) return;
    const { initialDelayMs, maxDelayMs, jitter } = this.backoff;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt++);
    this.timer = setTimeout(() => this.connect(), Math.max(0, base * (1 + jitter * (2 * Math.random() - 1))));
  }

  /** Drops a connection whose model we could not follow; the next one starts from a full model. */
  resync() {
    const ws = this.ws;
    this.lost(null);
    ws?.close();
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    removeEventListener("online", this.onOnline);
    document.removeEventListener("click", this.onClick);
    removeEventListener("popstate", this.onPopState);
    this.gone.disconnect();
    for (const el of [...this.widgets.keys()]) this.unmountWidget(el);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    hideBanner();
  }

  send(message) {
    if (!this.live || this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  receive(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { return console.warn("idom: ignoring a non-JSON frame"); }
    if (msg?.type === "session") return this.session(msg);
    if (msg?.type === "location") return this.moved(msg);
    if (msg?.type === "upload-url") return this.uploadTo(msg);
    if (msg?.type === "widget-call") return this.callWidget(msg);
    if (msg?.type === "action") return this.act(msg);
    if (msg?.type === "upload-refused") {
      this.uploads.delete(msg.upload);
      return console.warn(`idom: the server refused the files (${msg.reason})`);
    }
    if (msg?.type !== "layout-update") return; // unknown message types are ignored
    try {
      this.update(msg.path, msg.changes);
    } catch (err) {
      console.error("idom: could not apply an update; reconnecting for a fresh model", err);
      this.resync();
    }
  }

  /** The server names this page's session; `resumed: false` after a reconnect means our old one expired. */
  session(msg) {
    if (typeof msg.id !== "string") return;
    // Back on another server with its persisted state (`restored`), or not back at all.
    if (this.sessionId && msg.resumed === false && msg.restored !== true) showNotice("The session expired; the page was reset.");
    this.sessionId = msg.id;
    this.navigable = true;
  }

  // -------------------------------------------------------------------------------------------
  // Navigation (per-client sessions only; see docs/routing.md). A click on a link to one of the
  // app's pages becomes a `navigate`; the server renders the page and answers with a `location`,
  // on which the URL is pushed. Back and forward tell the server where the browser went. Until a
  // session is live, and in a shared view, links stay ordinary page loads.

  /** The app-relative href of a click the client should take over, or null. */
  linkOf(e) {
    if (!this.navigable || !this.live || e.defaultPrevented || e.button !== 0) return null;
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return null;
    const a = (e.composedPath?.() ?? []).find((n) => n?.localName === "a" && n.hasAttribute?.("href"));
    if (!a || !this.container.contains(a)) return null;
    if ((a.getAttribute("target") || "_self") !== "_self" || a.hasAttribute("download")) return null;
    if (a.hasAttribute("data-idom-external") || /(?:^|\s)external(?:\s|$)/i.test(a.getAttribute("rel") || "")) return null;
    let url;
    try { url = new URL(a.href, location.href); } catch { return null; }
    if (url.origin !== location.origin) return null;
    const base = this.base.replace(/\/$/, "");
    if (url.pathname !== base && !url.pathname.startsWith(base + "/")) return null;
    // Same page, another fragment: the browser scrolls, nothing to render.
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return null;
    return url.pathname + url.search;
  }

  click(e) {
    const href = this.linkOf(e);
    if (href === null) return;
    this.flushRated(); // what was typed reaches the page before it is left
    if (this.send({ type: "navigate", href, how: "push" })) e.preventDefault();
  }

  popState() {
    this.flushRated();
    this.send({ type: "navigate", href: location.pathname + location.search, how: "pop" });
  }

  /** The server moved the page: push or replace the URL, and set the title. Never reloads. */
  moved(msg) {
    if (typeof msg.title === "string") document.title = msg.title;
    if (typeof msg.href !== "string") return;
    let url;
    try { url = new URL(msg.href, location.href); } catch { return; }
    if (url.origin !== location.origin) return console.warn("idom: ignoring a location on another origin");
    const here = location.pathname + location.search;
    const there = url.pathname + url.search;
    if (msg.how === "push" && there !== here) {
      history.pushState(null, "", there);
      window.scrollTo(0, 0);
    } else if (there !== here) {
      history.replaceState(history.state, "", there);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Uploads (docs/html.md, "Uploads"). Files never travel on the socket: a file input's change is
  // announced (`upload-start`: names, sizes, types), the server answers with a single-use URL per
  // file it takes (`upload-url`), and each file is POSTed to its URL, streamed from disk by the
  // browser. The server delivers the change to the handler itself, with the files attached.

  announceFiles(event, spec) {
    const t = event.target;
    if ((event.type !== "change" && event.type !== "input") || tagOf(t) !== "input" || t.type !== "file") return false;
    const files = Array.from(t.files ?? []);
    if (!files.length) return false; // a cleared input is an ordinary event
    this.flushRated();
    const upload = String(++this.uploadSeq);
    const described = files.map((f) => ({ name: f.name, size: f.size, mime: f.type }));
    if (this.send({ type: "upload-start", upload, target: spec.target, files: described })) this.uploads.set(upload, files);
    return true;
  }

  uploadTo(msg) {
    const files = this.uploads.get(msg.upload);
    this.uploads.delete(msg.upload);
    if (!files || !Array.isArray(msg.urls)) return;
    msg.urls.forEach((url, i) => {
      if (typeof url !== "string" || !files[i]) return; // refused: the component was told why
      const to = new URL(url, location.href);
      if (to.origin !== location.origin) return console.warn("idom: refused an upload URL on another origin");
      fetch(to.href, { method: "POST", body: files[i], credentials: "same-origin", headers: { "content-type": "application/octet-stream" } })
        .then((r) => { if (!r.ok) console.warn(`idom: the upload of ${files[i].name} ended with ${r.status}`); })
        .catch((err) => console.warn(`idom: the upload of ${files[i].name} failed`, err));
    });
  }

  // -------------------------------------------------------------------------------------------
  // Widgets (docs/js.md). An <idom-widget> element names a registered module by
  // "<hash>/<file>" (the URL is built here, under this page's prefix, so no model value can make
  // the page load a script from elsewhere) and an export: an object with `mount(element, props,
  // emit)` (or that function itself), which returns the instance, `{update(props), unmount(),
  // ...methods}`. Props are the element's `prop:<name>` attributes, JSON each. A widget that
  // throws, or whose module fails to load, shows the error inside its own element and is left
  // alone from then on; the page goes on.

  mountWidget(el, m) {
    const w = { el, id: el.getAttribute("widget"), instance: null, failed: false, dead: false, calls: [], props: widgetProps(m.attributes) };
    this.widgets.set(el, w);
    if (w.id) {
      this.widgetIds.set(w.id, w);
      w.calls = this.earlyCalls.get(w.id) ?? [];
      this.earlyCalls.delete(w.id);
    }
    const exportName = el.getAttribute("export") || "";
    const emit = (name, value) => this.emitFrom(w, name, value);
    this.loadModule(el.getAttribute("module"))
      .then((module) => {
        if (w.dead) return;
        const exp = module[exportName];
        const mount = typeof exp === "function" ? exp : exp?.mount;
        if (typeof mount !== "function") throw new Error(`the module has no export "${exportName}" with a mount()`);
        w.instance = mount.call(exp, el, { ...w.props }, emit) ?? {};
        const calls = w.calls;
        w.calls = [];
        for (const c of calls) this.runCall(w, c);
      })
      .catch((err) => this.widgetFailed(w, `mount of "${exportName}"`, err));
  }

  loadModule(path) {
    if (typeof path !== "string" || !/^[0-9a-f]{16}\/[A-Za-z0-9_-][A-Za-z0-9_.-]*\.m?js$/.test(path)) {
      return Promise.reject(new Error(`"${path}" does not name a registered module`));
    }
    const url = new URL(`${this.base.replace(/\/?$/, "/")}_idom/modules/${path}`, location.href).href;
    if (!this.modules.has(url)) this.modules.set(url, import(url));
    return this.modules.get(url);
  }

  updateWidget(el, attributes) {
    const w = this.widgets.get(el);
    if (!w) return; // not mounted yet: mountWidget reads the props
    const props = widgetProps(attributes);
    if (JSON.stringify(props) === JSON.stringify(w.props)) return;
    w.props = props;
    if (!w.instance || w.failed || w.dead || typeof w.instance.update !== "function") return;
    try { w.instance.update({ ...props }); } catch (err) { this.widgetFailed(w, "update", err); }
  }

  emitFrom(w, name, value) {
    if (w.dead) return;
    const spec = this.listeners.get(w.el)?.get("emit")?.spec;
    if (!spec) return console.debug(`idom: widget event "${name}" has no handler`);
    let data;
    try { data = JSON.parse(JSON.stringify(value ?? null)); } catch (err) { return console.warn("idom: widget event data is not JSON", err); }
    this.send({ type: "layout-event", target: spec.target, data: [{ type: "emit", name: String(name), value: data }] });
  }

  callWidget(msg) {
    const call = { method: String(msg.method), args: msg.args };
    const w = this.widgetIds.get(msg.widget);
    if (!w) {
      // Its element is not built yet (the update that makes it is on its way): keep a few.
      const early = this.earlyCalls.get(msg.widget) ?? [];
      if (early.length >= 100 || this.earlyCalls.size >= 100) return console.debug("idom: widget call dropped (no such widget)", msg.widget);
      early.push(call);
      return this.earlyCalls.set(msg.widget, early);
    }
    if (!w.instance) return void w.calls.push(call); // still loading: after the mount
    this.runCall(w, call);
  }

  runCall(w, call) {
    if (w.failed || w.dead) return console.debug(`idom: widget call "${call.method}" dropped`);
    const f = w.instance[call.method];
    if (typeof f !== "function") return this.widgetFailed(w, `call of "${call.method}"`, new Error("no such method"));
    try { f.call(w.instance, call.args); } catch (err) { this.widgetFailed(w, `call of "${call.method}"`, err); }
  }

  widgetFailed(w, what, err) {
    if (w.dead) return;
    w.failed = true;
    console.error(`idom: widget ${what} failed`, err);
    const box = document.createElement("div");
    box.setAttribute("role", "alert");
    box.className = "idom-widget-error";
    box.style.cssText = "border:1px solid #c33;color:#c33;padding:4px 8px;font:13px/1.4 system-ui,sans-serif";
    box.textContent = `This widget failed (${what}): ${err?.message ?? err}`;
    try { w.el.replaceChildren(box); } catch { /* the element is gone */ }
  }

  sweepWidgets(records) {
    for (const r of records) {
      for (const n of r.removedNodes) {
        if (n.nodeType !== 1 || n.isConnected) continue;
        if (n.localName === "idom-widget") this.unmountWidget(n);
        for (const el of n.querySelectorAll?.("idom-widget") ?? []) this.unmountWidget(el);
      }
    }
  }

  unmountWidget(el) {
    const w = this.widgets.get(el);
    if (!w) return;
    this.widgets.delete(el);
    if (w.id && this.widgetIds.get(w.id) === w) this.widgetIds.delete(w.id);
    w.dead = true;
    if (w.instance && !w.failed && typeof w.instance.unmount === "function") {
      try { w.instance.unmount(); } catch (err) { console.error("idom: widget unmount failed", err); }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Browser actions: what the server asks of the page without app JS.

  act(msg) {
    const target = () => {
      const id = msg.element;
      const el = typeof id === "string" ? this.container.querySelector(`[data-idom-ref="${CSS.escape(id)}"]`) : null;
      if (!el) console.debug(`idom: no element for action ${msg.action}`, id);
      return el;
    };
    switch (msg.action) {
      case "focus": return target()?.focus();
      case "scroll-into-view": return target()?.scrollIntoView({ block: "nearest" });
      case "copy": return copyText(String(msg.text ?? ""));
      case "download": {
        if (typeof msg.url !== "string") return;
        const url = new URL(msg.url, location.href);
        if (url.origin !== location.origin || !url.pathname.includes("/_idom/download/")) return console.warn("idom: refused a download URL");
        const a = document.createElement("a");
        a.href = url.href;
        a.download = String(msg.name ?? "");
        a.style.display = "none";
        document.body.appendChild(a);
        a.click();
        return a.remove();
      }
      case "eval": {
        if (!this.container.hasAttribute("data-idom-eval")) return console.warn("idom: eval refused (the app did not allow it)");
        const el = msg.element == null ? null : target();
        try { new Function("element", String(msg.code))(el); } catch (err) { console.error("idom: eval failed", err); }
        return;
      }
      default: return console.debug("idom: unknown action", msg.action);
    }
  }

  update(path, changes) {
    const base = parsePointer(path);
    if (!Array.isArray(changes)) throw new Error("idom: changes is not an array");
    const first = !this.live;
    if (first) {
      const op = changes[0];
      if (base.length || changes.length !== 1 || op?.op !== "add" || op.path !== "") throw new Error("idom: expected the full model first");
      this.live = true; // before building, so a carried-over input can already be sent
    }
    let rebuild = false;
    for (const op of changes) {
      const full = base.concat(parsePointer(op.path));
      let plan = null;
      if (!rebuild && full.length) {
        try { plan = this.plan(op, base, full); } catch (err) { console.debug("idom: DOM out of step", err); }
      }
      this.model = applyOperation(this.model, base, op);
      if (!plan) { rebuild = true; continue; }
      try { plan(); } catch (err) { console.warn("idom: DOM update failed; rebuilding", err); rebuild = true; }
    }
    if (rebuild) this.rebuild();
    if (first) { this.attempt = 0; hideBanner(); }
  }

  /** Walks model and DOM side by side down `children` pairs, to the element an op acts on. */
  locate(tokens) {
    let el = this.container, node = this.model, i = 0;
    const check = () => {
      if (!isObject(node) || el.nodeType !== 1) throw new Error("not an element");
      if (el.localName === "idom-widget") return; // a leaf of the model: its DOM is the widget's
      if (el.childNodes.length !== (Array.isArray(node.children) ? node.children.length : 0)) throw new Error("length mismatch");
    };
    check();
    while (tokens.length - i > 2 && tokens[i] === "children") {
      const k = Number(tokens[i + 1]);
      node = node.children[k];
      el = el.childNodes[k];
      if (!el) throw new Error("no such child");
      check();
      i += 2;
    }
    return { el, node, rest: tokens.slice(i) };
  }

  /**
   * Looks at the DOM *before* the model op and returns a function that updates the DOM *after*
   * it (reading the new values from the model), or null when only a rebuild will do.
   */
  plan(op, base, tokens) {
    const { el, node, rest } = this.locate(tokens);
    const [field, key] = rest;
    if (field === "children" && rest.length === 1 && op.op !== "move" && op.op !== "copy") {
      return () => el.replaceChildren(this.fragment(node.children, el)); // the whole array
    }
    if (field === "children" && rest.length === 2) {
      const at = () => (key === "-" ? node.children.length - 1 : Number(key));
      const old = el.childNodes[Number(key)];
      switch (op.op) {
        case "add":
          return () => el.insertBefore(this.build(node.children[at()], el), el.childNodes[at()] ?? null);
        case "remove":
          if (!old) throw new Error("no such child");
          return () => old.remove();
        case "replace":
          if (!old) throw new Error("no such child");
          return () => {
            const v = node.children[at()];
            if (typeof v === "string" && old.nodeType === 3) old.data = v; // text: in place
            else old.replaceWith(this.build(v, el));
          };
        case "move": {
          // idom moves within one children array; anything else is rebuilt.
          const from = base.concat(parsePointer(op.from));
          if (from.length !== tokens.length || from.slice(0, -1).join("/") !== tokens.slice(0, -1).join("/")) return null;
          const j = Number(from[from.length - 1]), i = Number(key);
          const moved = el.childNodes[j];
          if (!moved) throw new Error("no such child");
          // `i` counts children after the removal of `j`: map it back to the current DOM.
          const ref = el.childNodes[i >= j ? i + 1 : i] ?? null;
          return () => keepFocus(moved, () => {
            try { el.moveBefore(moved, ref); } catch { el.insertBefore(moved, ref); } // moveBefore keeps state where supported
          });
        }
      }
      return null;
    }
    if (op.op === "move" || op.op === "copy") return null;
    if (field === "attributes") {
      const before = structuredClone(node.attributes ?? {});
      return () => this.syncAttributes(el, before, node.attributes ?? {});
    }
    if (field === "eventHandlers") return () => this.syncHandlers(el, node.eventHandlers ?? {});
    if (field === "key" && rest.length === 1) return () => {}; // never reaches the DOM
    if (field === "tagName" && rest.length === 1 && el !== this.container) {
      return () => el.replaceWith(this.build(node, el.parentNode));
    }
    return null;
  }

  /** Rebuilds everything under the container from the model, in one swap. */
  rebuild() {
    const nodes = this.fragment(this.model?.children, this.container);
    const focus = captureFocus(this.container);
    this.container.replaceChildren(nodes);
    if (focus) restoreFocus(this.container, focus);
  }

  fragment(children, parent) {
    const f = document.createDocumentFragment();
    for (const c of Array.isArray(children) ? children : []) f.appendChild(this.build(c, parent));
    return f;
  }

  build(m, parent) {
    if (!isObject(m)) return document.createTextNode(typeof m === "string" ? m : "");
    const el = createElement(String(m.tagName ?? ""), parent);
    el.appendChild(this.fragment(m.children, el));
    this.syncAttributes(el, {}, isObject(m.attributes) ? m.attributes : {});
    this.syncHandlers(el, m.eventHandlers);
    if (el.localName === "idom-widget") this.mountWidget(el, m);
    return el;
  }

  syncAttributes(el, prev, next) {
    const widget = el.localName === "idom-widget";
    const dom = (name) => !(widget && name.startsWith("prop:")); // props go to the widget, not the DOM
    for (const name of Object.keys(prev)) {
      if (!Object.hasOwn(next, name) && dom(name)) this.setAttribute(el, name, undefined, prev[name]);
    }
    for (const name of Object.keys(next).sort((a, b) => rank(a) - rank(b))) {
      if ((prev[name] !== next[name] || isObject(next[name])) && dom(name)) this.setAttribute(el, name, next[name], prev[name]);
    }
    if (widget) this.updateWidget(el, next);
  }

  setAttribute(el, name, value, old) {
    if (/^on/i.test(name)) return console.warn(`idom: refused attribute "${name}" (event handlers are not attributes)`);
    const present = value !== undefined && value !== null && value !== false;
    const tag = el.localName;
    if (name === "style") return setStyle(el, old, present ? value : null);
    if (name === "value" && (tag === "input" || tag === "textarea" || tag === "select")) {
      // A DOM property only, so the responsiveness rule below governs what the user sees.
      return this.setValue(el, present && value !== true ? String(value) : "");
    }
    try {
      const ns = name.startsWith("xlink:") ? XLINK_NS : name.startsWith("xml:") ? XML_NS : null;
      if (!present) {
        if (ns) el.removeAttributeNS(ns, name.slice(name.indexOf(":") + 1));
        else el.removeAttribute(name);
      } else {
        let v = value === true ? "" : String(value);
        if (!this.trustedUrls && DOCUMENT_ATTRIBUTES.has(name.toLowerCase())) {
          return console.warn(`idom: refused attribute "${name}" (it would load a document from data)`);
        }
        if (!this.trustedUrls && URL_ATTRIBUTES.has(name.toLowerCase()) && isDangerousUrl(v)) {
          console.warn(`idom: blocked a script URL in "${name}"`);
          v = BLOCKED_URL;
        }
        if (ns) el.setAttributeNS(ns, name, v);
        else el.setAttribute(name, v);
      }
      if ((name === "checked" && tag === "input") || (name === "selected" && tag === "option")) el[name] = present;
    } catch (err) {
      console.warn(`idom: could not set attribute "${name}"`, err);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Controlled inputs. The server echoes `value` after each input event, but echoes lag behind
  // fast typing: writing an old echo into the DOM would eat keystrokes typed since. So for each
  // input/textarea we keep the values we *sent* in `input` events and not yet answered:
  // - a server value equal to a pending sent value answers that event and all earlier ones (the
  //   server handles events in order and may coalesce renders); a value we never sent (the server
  //   transformed or reset it) answers the oldest pending one;
  // - while values remain pending after that, the server value is a stale echo: the model takes
  //   it, the DOM keeps the user's newer text;
  // - when nothing is pending any more, the DOM gets the model value if it differs;
  // - a server that does not answer at all (it rejected the change, so nothing changed) is
  //   covered by a settle timer: a few round trips after the last activity the pending list is
  //   dropped and the DOM reset to the model value. Uncontrolled inputs (no `value` in the model)
  //   are never reset.
  // This holds whether or not the field still has focus (so a blurred field does not flicker
  // through old echoes either). Writing keeps the caret where it was when the field has focus.

  inputState(el) {
    let st = this.inputs.get(el);
    if (!st) this.inputs.set(el, (st = { sent: [], server: undefined, timer: 0 }));
    return st;
  }

  setValue(el, v) {
    if (el.localName === "select") return writeValue(el, v);
    const st = this.inputState(el);
    st.server = v;
    if (st.sent.length) {
      const k = st.sent.findIndex((s) => s.value === v);
      if (k >= 0) this.srtt = 0.8 * this.srtt + 0.2 * (performance.now() - st.sent[k].at);
      st.sent.splice(0, k >= 0 ? k + 1 : 1);
      if (st.sent.length) return this.settleLater(el, st); // a stale echo
    }
    clearTimeout(st.timer);
    writeValue(el, v);
  }

  trackInput(event, data) {
    const t = event.target, tag = tagOf(t);
    if (data.type !== "input" || typeof data.value !== "string") return;
    if (tag !== "textarea" && !(tag === "input" && t.type !== "checkbox" && t.type !== "radio")) return;
    const st = this.inputState(t);
    st.sent.push({ value: data.value, at: performance.now() });
    this.settleLater(t, st);
  }

  settleLater(el, st) {
    clearTimeout(st.timer);
    st.timer = setTimeout(() => {
      st.sent.length = 0;
      if (st.server !== undefined && el.isConnected) writeValue(el, st.server);
    }, Math.min(5000, Math.max(500, 4 * this.srtt)));
  }

  // -------------------------------------------------------------------------------------------
  // Event handlers.

  syncHandlers(el, handlers) {
    const next = new Map();
    for (const [name, spec] of Object.entries(isObject(handlers) ? handlers : {})) {
      if (/^on./.test(name) && isObject(spec) && spec.target != null) next.set(name.slice(2).toLowerCase(), spec);
      else console.warn(`idom: ignoring malformed handler "${name}"`);
    }
    let map = this.listeners.get(el);
    if (!map) {
      if (!next.size) return;
      this.listeners.set(el, (map = new Map()));
    }
    for (const [type, entry] of map) {
      if (!next.has(type)) { el.removeEventListener(type, entry.listener); map.delete(type); }
    }
    for (const [type, spec] of next) {
      const entry = map.get(type);
      if (entry) { entry.spec = spec; continue; } // the listener reads the latest spec
      const fresh = { spec, listener: (e) => this.dispatch(e, fresh.spec) };
      el.addEventListener(type, fresh.listener);
      map.set(type, fresh);
    }
  }

  // Rate limits: `debounce` / `throttle` in a handler's spec, in ms (preventDefault and
  // stopPropagation stay synchronous). An event is serialised as it fires, so it carries the value
  // of that moment; per target (element and event) only the latest one waits. Debounce sends it
  // `ms` after the last event. Throttle sends at once when nothing went for `ms`, else at the end
  // of the window (trailing edge), so the last value always arrives. An event without a rate first
  // sends every waiting one, in the order they last fired: the server sees the final text before
  // the click or submit that follows it. A waiting event belongs to its socket: after a disconnect
  // it is dropped, like any event fired while disconnected.
  dispatch(event, spec) {
    if (spec.preventDefault) event.preventDefault();
    if (spec.stopPropagation) event.stopPropagation();
    if (this.announceFiles(event, spec)) return;
    const item = { el: event.target, target: spec.target, data: serializeEvent(event), ws: this.ws };
    const ms = (v) => (typeof v === "number" && v >= 0 ? v : null);
    const debounce = ms(spec.debounce), throttle = ms(spec.throttle);
    if (debounce === null && throttle === null) {
      this.flushRated();
      return this.sendEvent(item);
    }
    const rated = (this.rated ??= new Map()); // target -> {item: waiting or null, timer}
    const slot = rated.get(item.target) ?? { item: null, timer: 0 };
    rated.delete(item.target);
    rated.set(item.target, slot); // the Map's order is the order targets last fired
    if (debounce !== null) {
      clearTimeout(slot.timer);
      slot.item = item;
      slot.timer = setTimeout(() => { rated.delete(item.target); this.sendEvent(slot.item); }, debounce);
    } else if (slot.timer) slot.item = item; // inside the window: waits for its end
    else this.throttleSend(slot, item, throttle);
  }

  /** Sends `item` and opens a throttle window of `ms`; what waits at its end is sent likewise. */
  throttleSend(slot, item, ms) {
    slot.item = null;
    this.sendEvent(item);
    slot.timer = setTimeout(() => {
      slot.timer = 0;
      if (slot.item) this.throttleSend(slot, slot.item, ms);
      else if (this.rated.get(item.target) === slot) this.rated.delete(item.target);
    }, ms);
  }

  /** Sends every waiting rate-limited event now, in order, and closes their windows. */
  flushRated() {
    const slots = [...(this.rated?.values() ?? [])];
    this.rated?.clear();
    for (const slot of slots) {
      clearTimeout(slot.timer);
      if (slot.item) this.sendEvent(slot.item);
    }
  }

  sendEvent({ el, target, data, ws }) {
    if (ws !== this.ws) return; // its connection is gone
    if (this.send({ type: "layout-event", target, data: [data] })) this.trackInput({ target: el }, data);
  }
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers.

/** A widget's props from its element's attributes: `prop:<name>` holds the prop's JSON. */
function widgetProps(attributes) {
  const props = {};
  for (const [name, value] of Object.entries(isObject(attributes) ? attributes : {})) {
    if (!name.startsWith("prop:")) continue;
    try { props[name.slice(5)] = JSON.parse(value); } catch { console.warn(`idom: widget prop ${name} is not JSON`); }
  }
  return props;
}

/** Copies `text`: the Clipboard API where the page may use it, else a hidden textarea. */
function copyText(text) {
  const fallback = () => {
    const t = document.createElement("textarea");
    t.value = text;
    t.style.cssText = "position:fixed;opacity:0";
    document.body.appendChild(t);
    t.select();
    try { document.execCommand("copy"); } catch (err) { console.warn("idom: copy failed", err); }
    t.remove();
  };
  if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).catch(fallback);
  else fallback();
}

// Caret of a text field ([start, end], or null: not a text field), and putting it back.
function caretOf(el) {
  try { return typeof el.selectionStart === "number" ? [el.selectionStart, el.selectionEnd] : null; } catch { return null; }
}
function setCaret(el, caret) {
  const n = el.value?.length ?? 0;
  try { if (caret) el.setSelectionRange(Math.min(caret[0], n), Math.min(caret[1], n)); } catch { /* not a text field */ }
}

function writeValue(el, v) {
  if (el.value === v) return;
  const caret = el === document.activeElement ? caretOf(el) : null;
  try { el.value = v; } catch (err) { return console.warn("idom: could not set value", err); }
  setCaret(el, caret);
}

/** Runs `fn` (which moves `node`) and gives focus back if a focused element inside it lost it. */
function keepFocus(node, fn) {
  const active = document.activeElement;
  const inside = active && node.contains(active);
  const caret = inside ? caretOf(active) : null;
  fn();
  if (inside && document.activeElement !== active) { active.focus({ preventScroll: true }); setCaret(active, caret); }
}

/** Where the focus is under `container` (as a childNodes index path), and what was typed. */
function captureFocus(container) {
  const a = document.activeElement;
  if (!a || a === container || !container.contains(a)) return null;
  const path = [];
  for (let n = a; n !== container; n = n.parentNode) path.unshift(Array.prototype.indexOf.call(n.parentNode.childNodes, n));
  // Only text the user changed is carried (value differs from the markup's default value).
  const typed = typeof a.value === "string" && a.value !== a.defaultValue ? a.value : null;
  return { path, tag: a.localName, value: typed, caret: caretOf(a) };
}

/**
 * After a rebuild: focuses the element at the same place if it has the same tag. A text field
 * keeps what the user typed (e.g. into the prerendered page before the socket was up); when
 * that differs from the new model, an `input` event tells the server, as typing would have.
 */
function restoreFocus(container, focus) {
  let n = container;
  for (const i of focus.path) if (!(n = n.childNodes[i])) return;
  if (n.localName !== focus.tag || typeof n.focus !== "function") return;
  n.focus({ preventScroll: true });
  const text = n.localName === "textarea" || (n.localName === "input" && !["checkbox", "radio", "file"].includes(n.type));
  if (text && focus.value !== null && n.value !== focus.value) {
    n.value = focus.value;
    n.dispatchEvent(new Event("input", { bubbles: true }));
  }
  setCaret(n, focus.caret);
}

const hideBanner = () => document.getElementById(BANNER_ID)?.remove();

function showNotice(text) {
  document.getElementById(NOTICE_ID)?.remove();
  const n = document.createElement("div");
  n.id = NOTICE_ID;
  n.setAttribute("role", "status");
  n.style.cssText = "position:fixed;top:12px;right:12px;z-index:2147483647;padding:6px 12px;" +
    "border-radius:6px;background:rgba(32,32,32,.85);color:#fff;font:13px/1.4 system-ui,sans-serif;" +
    "pointer-events:none;max-width:60vw";
  n.textContent = text;
  document.body.appendChild(n);
  setTimeout(() => n.remove(), 5000);
}

function showBanner(reason) {
  let b = document.getElementById(BANNER_ID);
  if (!b) {
    b = document.createElement("div");
    b.id = BANNER_ID;
    b.setAttribute("role", "status");
    b.style.cssText = "position:fixed;bottom:12px;right:12px;z-index:2147483647;padding:6px 12px;" +
      "border-radius:6px;background:rgba(32,32,32,.85);color:#fff;font:13px/1.4 system-ui,sans-serif;" +
      "pointer-events:none;max-width:60vw";
    document.body.appendChild(b);
  }
  b.textContent = reason ? `Reconnecting… (${reason})` : "Reconnecting…";
}

function streamUrl(container, options) {
  if (options.url) {
    const url = new URL(options.url, location.href);
    if (url.protocol === "http:" || url.protocol === "https:") url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }
  const stream = container.getAttribute("data-idom-stream");
  if (!stream) throw new Error("idom: the container has no data-idom-stream and no options.url was given");
  const url = new URL(stream, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/**
 * Mounts idom on `container` (its prerendered content is replaced by the live page once the first
 * update arrives). Options: `url` (the websocket URL; default: the container's data-idom-stream
 * plus `loc`) and `reconnect: {initialDelayMs, maxDelayMs, jitter}`. Returns `{close()}`.
 */
export function mount(container, options = {}) {
  if (!container || container.nodeType !== 1) throw new Error("idom: mount needs a container element");
  const session = new Session(container, options);
  return { close: () => session.close() };
}

// The page the server sends marks its mount point `data-idom-auto` and loads this module with a
// plain <script src>: no inline script, so a Content-Security-Policy of `script-src 'self'` needs
// no nonce. A page that mounts by itself (calling `mount`) leaves the attribute out.
if (typeof document !== "undefined") {
  const start = () => {
    for (const el of document.querySelectorAll("[data-idom-auto]")) {
      el.removeAttribute("data-idom-auto");
      mount(el);
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
}
