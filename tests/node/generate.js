// Random models and patches for the oracle test. Everything is drawn from one Rng, so a case is
// a pure function of its seed.
//
// Patches are built one operation at a time against the document as it stands after the
// operations before (evolved with the oracle), so most operations are aimed at locations that
// exist and apply. A share of the operations is malformed on purpose (see MALFORMED).

import { isContainer, locations, pointer, setMember, valueAt } from "./json.js";
import { oracleApply } from "./oracle.js";

const PLAIN_KEYS = ["a", "b", "c", "x", "y", "id", "name", "value", "items", "tagName", "attributes", "children", "eventHandlers", "class", "style", "key"];
// Need "~0" / "~1" in a pointer.
const ESCAPED_KEYS = ["a/b", "~", "~1", "~0", "m~n", "/", "//", "~/", "a~1b", "x/~y", "~~"];
const NUMERIC_KEYS = ["0", "1", "2", "01", "-", "-1", "10", "1e3"];
// Names of Object.prototype members, which a careless implementation mistakes for members.
const PROTO_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype", "isPrototypeOf"];
const ODD_KEYS = ["", " ", "é", "日本", "🙂", "a b", "\n", "null", "\"q\""];
const STRING_CHARS = ["a", "b", "z", " ", "~", "/", "\"", "\\", "é", "日", "🙂", "\n", "0", "<", ">"];
const TAGS = ["div", "span", "p", "button", "input", "ul", "li", "a", "svg", "idom-widget", "my-el"];

export function genKey(rng) {
  switch (rng.weighted({ plain: 55, escaped: 15, numeric: 10, proto: 10, odd: 10 })) {
    case "plain": return rng.pick(PLAIN_KEYS);
    case "escaped": return rng.pick(ESCAPED_KEYS);
    case "numeric": return rng.pick(NUMERIC_KEYS);
    case "proto": return rng.pick(PROTO_KEYS);
    default: return rng.pick(ODD_KEYS);
  }
}

function genString(rng) {
  let s = "";
  for (let n = rng.int(7); n > 0; n--) s += rng.pick(STRING_CHARS);
  return s;
}

function genScalar(rng) {
  switch (rng.weighted({ null: 1, bool: 2, int: 3, float: 1, big: 1, string: 4 })) {
    case "null": return null;
    case "bool": return rng.chance(0.5);
    case "int": return rng.range(-1000, 1000);
    case "float": return Math.round(rng.float() * 1e6) / 100 - 5000;
    case "big": return rng.pick([2 ** 53 - 1, -(2 ** 53), 1e21, 5e-324, 0.1]);
    default: return genString(rng);
  }
}

/** A random JSON value; containers become rarer with depth. */
export function genValue(rng, depth = 3) {
  const kind = depth <= 0 ? "scalar" : rng.weighted({ scalar: 4, array: 2, object: 3, element: 1 });
  if (kind === "array") return Array.from({ length: rng.int(5) }, () => genValue(rng, depth - 1));
  if (kind === "object") {
    const out = {};
    for (let n = rng.int(5); n > 0; n--) setMember(out, genKey(rng), genValue(rng, depth - 1));
    return out;
  }
  if (kind === "element") return genElement(rng, depth - 1);
  return genScalar(rng);
}

/** An idom model element: {tagName, key?, attributes?, eventHandlers?, children?}. */
export function genElement(rng, depth = 2, tagName = rng.pick(TAGS)) {
  const el = { tagName };
  if (rng.chance(0.3)) el.key = `k${rng.int(20)}`;
  if (rng.chance(0.6)) {
    const attributes = {};
    if (rng.chance(0.6)) attributes.class = rng.pick(["row", "btn primary", "", genString(rng)]);
    if (rng.chance(0.4)) attributes.id = `i${rng.int(100)}`;
    if (rng.chance(0.3)) attributes.style = { color: rng.pick(["red", "#0af"]), "font-size": "1em" };
    if (rng.chance(0.2)) attributes.href = rng.pick(["/users/7", "#top", "javascript:alert(1)"]);
    if (rng.chance(0.2)) attributes["data-x"] = genString(rng);
    if (rng.chance(0.1)) attributes.disabled = true;
    el.attributes = attributes;
  }
  if (rng.chance(0.4)) {
    const handler = { target: `t${rng.int(50)}` };
    if (rng.chance(0.3)) handler.preventDefault = true;
    if (rng.chance(0.2)) handler.stopPropagation = true;
    el.eventHandlers = { [rng.pick(["onClick", "onInput", "onKeyDown", "onSubmit"])]: handler };
  }
  if (depth > 0 && rng.chance(0.8)) el.children = Array.from({ length: rng.int(5) }, () => genChild(rng, depth - 1));
  else if (rng.chance(0.3)) el.children = Array.from({ length: rng.int(3) }, () => genString(rng));
  return el;
}

function genChild(rng, depth) {
  return depth > 0 && rng.chance(0.6) ? genElement(rng, depth) : genString(rng) || "text";
}

/** A random model: mostly idom-shaped trees or general JSON, sometimes a scalar root. */
export function genModel(rng) {
  switch (rng.weighted({ element: 35, nested: 15, json: 40, scalar: 10 })) {
    case "element": return genElement(rng, 3, "");
    case "nested": return { page: genElement(rng, 2), meta: genValue(rng, 2), list: [genValue(rng, 1), genElement(rng, 1)] };
    case "json": return rng.chance(0.5) ? Array.from({ length: rng.int(6) }, () => genValue(rng, 3)) : genValue(rng, 4);
    default: return genScalar(rng);
  }
}

/** A copy of a JSON value with every object's members in a new order (equal by RFC 6902). */
function reordered(rng, value) {
  if (Array.isArray(value)) return value.map((v) => reordered(rng, v));
  if (!isContainer(value)) return value;
  const out = {};
  for (const k of rng.shuffled(Object.keys(value))) setMember(out, k, reordered(rng, value[k]));
  return out;
}

/** A value equal to none it might be compared with (the test fails). */
function different(rng, value) {
  if (typeof value === "number") return value + 1;
  if (typeof value === "string") return value + "!";
  if (Array.isArray(value)) return value.length && rng.chance(0.5) ? value.slice(1) : value.concat([0]);
  if (isContainer(value)) return setMember(structuredClone(value), `${ALTERED}${rng.int(9)}`, 1);
  return value === null ? false : typeof value === "boolean" ? !value : null;
}
const ALTERED = "altered-";

const isPrefix = (p, q) => p.length <= q.length && p.every((t, i) => t === q[i]);

function containers(locs) {
  return locs.filter((l) => isContainer(l.value));
}

/** A place to add at inside container location `c`: [tokens, freshly-made?]. */
function addTarget(rng, c, shrinkBy = 0) {
  if (Array.isArray(c.value)) {
    const len = Math.max(0, c.value.length - shrinkBy);
    return c.tokens.concat(rng.chance(0.25) ? "-" : String(rng.int(len + 1)));
  }
  const keys = Object.keys(c.value);
  return c.tokens.concat(keys.length && rng.chance(0.35) ? rng.pick(keys) : genKey(rng));
}

function genAddValue(rng, c, locs) {
  if (rng.chance(0.25)) return structuredClone(rng.pick(locs).value);
  if (c && c.tokens[c.tokens.length - 1] === "children") return genChild(rng, 2);
  return genValue(rng, 2);
}

/** One operation that should apply to `doc` (pointers relative to doc's root). */
function genValidOp(rng, doc) {
  const locs = locations(doc);
  const inner = locs.filter((l) => l.tokens.length > 0);
  const boxes = containers(locs);
  const kind = rng.weighted({ add: 30, remove: 14, replace: 14, move: 14, copy: 10, test: 13, root: 5 });
  if (kind === "root" || boxes.length === 0) {
    const op = rng.pick(["add", "replace", "test"]);
    return { op, path: "", value: op === "test" ? reordered(rng, doc) : genValue(rng, 2) };
  }
  if (kind === "add" || (inner.length === 0 && kind !== "copy")) {
    const c = rng.pick(boxes);
    return { op: "add", path: pointer(addTarget(rng, c)), value: genAddValue(rng, c, locs) };
  }
  if (kind === "remove") return { op: "remove", path: pointer(rng.pick(inner).tokens) };
  if (kind === "replace") {
    const l = rng.pick(inner);
    return { op: "replace", path: pointer(l.tokens), value: genAddValue(rng, null, locs) };
  }
  if (kind === "test") {
    const l = rng.chance(0.9) ? rng.pick(inner) : rng.pick(locs);
    return { op: "test", path: pointer(l.tokens), value: reordered(rng, l.value) };
  }
  if (kind === "copy") {
    const from = rng.pick(locs);
    return { op: "copy", from: pointer(from.tokens), path: pointer(addTarget(rng, rng.pick(boxes))) };
  }
  // move: like idom, often within one array of children; otherwise anywhere not inside `from`.
  const arrays = boxes.filter((b) => Array.isArray(b.value) && b.value.length >= 2);
  if (arrays.length && rng.chance(0.4)) {
    const a = rng.pick(arrays);
    const n = a.value.length;
    return { op: "move", from: pointer(a.tokens.concat(String(rng.int(n)))), path: pointer(a.tokens.concat(String(rng.int(n)))) };
  }
  const from = rng.pick(inner);
  const targets = boxes.filter((b) => !isPrefix(from.tokens, b.tokens));
  if (targets.length === 0) return { op: "remove", path: pointer(from.tokens) };
  const c = rng.pick(targets);
  const sameParent = isPrefix(c.tokens, from.tokens) && from.tokens.length === c.tokens.length + 1;
  return { op: "move", from: pointer(from.tokens), path: pointer(addTarget(rng, c, sameParent ? 1 : 0)) };
}

const BAD_INDICES = ["01", "00", "-1", "+1", "1.0", " 1", "1e0", "", "0x1", "99999999999999999999", "4294967296", "-0"];

/** Ways to break an operation, each a function of (rng, doc) -> op (or {base} for a bad base). */
const MALFORMED = {
  noLeadingSlash(rng, doc) {
    const op = genValidOp(rng, doc);
    const p = op.path === "" ? "a/b" : op.path.slice(1);
    return { ...op, path: p === "" ? "x" : p };
  },
  badIndex(rng, doc) {
    const arrays = locations(doc).filter((l) => Array.isArray(l.value));
    const a = arrays.length ? rng.pick(arrays) : { tokens: [], value: [] };
    const len = a.value.length;
    const token = rng.pick(BAD_INDICES.concat([String(len + 1), String(len + 7)]));
    const at = pointer(a.tokens.concat(token));
    switch (rng.int(6)) {
      case 0: return { op: "add", path: at, value: 1 };
      case 1: return { op: "remove", path: rng.chance(0.3) ? pointer(a.tokens.concat(rng.pick(["-", String(len)]))) : at };
      case 2: return { op: "replace", path: rng.chance(0.3) ? pointer(a.tokens.concat("-")) : at, value: 2 };
      case 3: return { op: "test", path: at, value: len ? a.value[0] : null };
      case 4: return { op: "move", from: rng.chance(0.3) ? pointer(a.tokens.concat("-")) : at, path: "/moved" };
      default: return { op: "copy", from: pointer(a.tokens.concat("0")), path: at };
    }
  },
  missingParent(rng, doc) {
    const boxes = containers(locations(doc));
    const c = boxes.length ? rng.pick(boxes) : { tokens: [] };
    const at = pointer(c.tokens.concat(`missing-${rng.int(9)}`, rng.pick(["x", "0", "-"])));
    return rng.pick([
      { op: "add", path: at, value: 1 },
      { op: "remove", path: at },
      { op: "replace", path: at, value: 1 },
      { op: "copy", from: at, path: "" },
      { op: "move", from: at, path: "" },
    ]);
  },
  throughScalar(rng, doc) {
    const scalars = locations(doc).filter((l) => !isContainer(l.value));
    const s = scalars.length ? rng.pick(scalars) : { tokens: ["nothing"], value: 0 };
    const at = pointer(s.tokens.concat(rng.pick(["0", "x", "length", "-"])));
    const first = typeof s.value === "string" ? s.value[0] ?? "" : null;
    return rng.pick([{ op: "test", path: at, value: first }, { op: "add", path: at, value: 1 }, { op: "remove", path: at }, { op: "copy", from: at, path: "" }]);
  },
  unknownOp(rng, doc) {
    const op = genValidOp(rng, doc);
    const name = rng.pick(["_get", "Add", "delete", "", "merge", 42, null, "ADD", "test "]);
    if (rng.chance(0.15)) { delete op.op; return op; }
    return { ...op, op: name };
  },
  moveIntoChild(rng, doc) {
    const boxes = containers(locations(doc));
    const c = boxes.length ? rng.pick(boxes) : { tokens: [], value: {} };
    const kids = Array.isArray(c.value) ? c.value.map((_, i) => String(i)).concat("-") : Object.keys(c.value).concat("new");
    const path = c.tokens.concat(rng.pick(kids));
    if (rng.chance(0.4)) path.push(rng.pick(["0", "x", "-"]));
    return { op: "move", from: pointer(c.tokens), path: pointer(path) };
  },
  testFails(rng, doc) {
    const l = rng.pick(locations(doc));
    return { op: "test", path: pointer(l.tokens), value: different(rng, l.value) };
  },
  wholeDocument(rng) {
    // Valid, but aimed at the root: remove gives null (both agree), move from "" into "" is a no-op.
    return rng.pick([{ op: "remove", path: "" }, { op: "replace", path: "", value: genValue(rng, 1) }, { op: "move", from: "", path: "" }, { op: "copy", from: "", path: "/self" }]);
  },
  protoNames(rng, doc) {
    const boxes = containers(locations(doc)).filter((b) => !Array.isArray(b.value));
    const c = boxes.length ? rng.pick(boxes) : { tokens: [] };
    const name = rng.pick(PROTO_KEYS);
    const at = pointer(c.tokens.concat(name));
    return rng.pick([
      { op: "add", path: at, value: rng.pick([{ polluted: true }, [], 1, "x"]) },
      { op: "remove", path: at },
      { op: "replace", path: at, value: 1 },
      { op: "test", path: at, value: rng.pick([{}, null, 1]) },
      { op: "add", path: pointer(c.tokens.concat(name, "polluted")), value: true },
      { op: "add", path: pointer(c.tokens.concat("constructor", "prototype")), value: { polluted: true } },
      { op: "copy", from: at, path: pointer(c.tokens.concat("copied")) },
    ]);
  },
  shape(rng, doc) {
    const op = genValidOp(rng, doc);
    switch (rng.int(7)) {
      case 0: return rng.pick([null, "add", [], 7, []]);
      case 1: { const o = { ...op }; delete o.path; return o; }
      case 2: return { ...op, path: rng.pick([5, null, ["a"], { p: 1 }, true]) };
      case 3: return { op: rng.pick(["add", "replace", "test"]), path: op.path ?? "" }; // no value
      case 4: return { op: rng.pick(["move", "copy"]), path: op.path ?? "" }; // no from
      case 5: return { op: rng.pick(["move", "copy"]), from: rng.pick([0, null, ["a"]]), path: op.path ?? "" };
      default: return { op: "add", path: op.path ?? "", value: undefined };
    }
  },
  badEscape(rng, doc) {
    const op = genValidOp(rng, doc);
    const bad = rng.pick(["~2", "~", "~~", "~a", "a~", "~-1"]);
    return { ...op, path: (op.path ?? "") + "/" + bad };
  },
  badBase(rng, doc) {
    const boxes = containers(locations(doc));
    const c = boxes.length ? rng.pick(boxes) : { tokens: [] };
    return { base: rng.pick(["a", pointer(c.tokens).slice(1) || "x", pointer(c.tokens) + "/missing-base", "/x~2", "~"]) };
  },
};

/**
 * One case: {model, base, ops, malformed}, where ops are relative to the JSON pointer `base`
 * (like a layout-update's `changes`) and `malformed` counts the operations broken on purpose.
 */
export function genCase(rng) {
  const model = genModel(rng);
  let base = "";
  if (rng.chance(0.25)) {
    const boxes = containers(locations(model)).filter((l) => l.tokens.length > 0);
    if (boxes.length) base = pointer(rng.pick(boxes).tokens);
  }
  const baseTokens = base === "" ? [] : base.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  const breakIt = rng.chance(0.42);
  const count = rng.range(1, 6);
  const breakAt = rng.int(count);
  const ops = [];
  let doc = structuredClone(model);
  let malformed = 0;
  for (let i = 0; i < count; i++) {
    const sub = valueAt(doc, baseTokens);
    let op;
    if (breakIt && i === breakAt) {
      malformed++;
      op = MALFORMED[rng.pick(Object.keys(MALFORMED))](rng, sub === undefined ? null : sub);
      if (op && Object.hasOwn(op, "base") && Object.keys(op).length === 1) {
        base = op.base;
        op = genValidOp(rng, sub === undefined ? null : sub);
      }
    } else {
      op = genValidOp(rng, sub === undefined ? null : sub);
    }
    ops.push(op);
    const r = oracleApply(doc, base, [op]);
    if (r.ok) doc = r.doc; // else: the patch fails here; later ops are generated as if it were skipped
  }
  return { model, base, ops, malformed };
}
