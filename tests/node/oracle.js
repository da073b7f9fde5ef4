// The oracle: RFC 6902 JSON Patch as applied by an independent implementation, the
// `fast-json-patch` package (called "FJP" below), with validation on.
//
// FJP is not exactly RFC 6902 / RFC 6901. Where it departs, this file does NOT skip the case: it
// says what the RFCs require and enforces just that, and everything else is left to FJP. Each
// departure below was seen in FJP 3.1.1 (tests/node/oracle-rules.test.js shows each one, so an
// upgrade that fixes one tells us a rule can go):
//
//  1. Member names of Object.prototype ("__proto__", "constructor", "toString", ...). FJP refuses
//     "__proto__" and "constructor/prototype" outright (a deliberate security ban), and its
//     validation tests existence with `obj[key] !== undefined`, so inherited members count as
//     present: `remove /constructor` on {} succeeds. RFC 6901 section 4: a token names a member
//     of the object; "__proto__" is an ordinary name and inherited properties are not members.
//     Rule: such names are renamed, consistently in the document, the pointers and the values, to
//     a private alias FJP sees as an ordinary name, and renamed back afterwards. The renaming is a
//     bijection on member names, so it cannot change what any patch does.
//  2. Array indices. FJP accepts any run of digits, including "" and leading zeros ("01"), and
//     truncates to 32 bits (`~~"4294967296"` is 0), so `add /a/01`, `add /a/` and
//     `test /a/4294967297` apply. RFC 6901 section 4: an array index is "0" or a digit 1-9
//     followed by digits; RFC 6902 section 4.1: an index greater than the length is an error.
//     Rule: on an array, a token that is not "-" must be such an index and at most the length.
//  3. Tokens applied to a document that is a string (or another scalar). FJP lets `test /0` on
//     the document "str" pass (it reads "str"[0]), and likewise "/length". RFC 6901 section 4:
//     only objects and arrays have members; evaluating a token on anything else is an error.
//     Rule: a non-empty pointer into a scalar document is rejected. (Below the root, FJP's own
//     validation already refuses to walk into a scalar.)
//  4. "~" not followed by "0" or "1" ("/a~2", "/a~"). FJP keeps the "~". RFC 6901 section 3 (the
//     ABNF of a reference token) does not allow it, so the pointer is malformed. Rule: rejected.
//  5. `move` and `copy`. FJP does not validate the target of either (an index past the end
//     appends), and a `move`/`copy` to the root does not check that `from` exists (the document
//     becomes `undefined`). RFC 6902 sections 4.4 and 4.5 define them as a `remove` at `from`
//     followed by an `add` at `path` of the removed value, and as an `add` at `path` of the value
//     at `from`. Rule: the oracle applies them exactly so, with FJP's validated remove and add.
//  6. `move` into a child of its own `from` (from "/a/0", path "/a/0/x" works in FJP when another
//     element slides into index 0). RFC 6902 section 4.4: "from" MUST NOT be a proper prefix of
//     "path". Rule: rejected.
//  7. Unknown operations. FJP's validator accepts its internal "_get". RFC 6902 section 4: the op
//     is one of add, remove, replace, move, copy, test. Rule: anything else is rejected.
//
// What both implementations agree on and the RFCs leave open is left alone: `remove` of the whole
// document ("") gives null in both.

import {
  applyOperation,
  deepClone,
  escapePathComponent,
  unescapePathComponent,
  validator,
} from "fast-json-patch/index.mjs";
import { isContainer, setMember } from "./json.js";

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);
const RENAMED = new Set(Object.getOwnPropertyNames(Object.prototype));
const ALIAS = "\u0000oracle-alias:";
const INDEX = /^(?:0|[1-9][0-9]*)$/;

class Rejected extends Error {}

function reject(why) {
  throw new Rejected(why);
}

const alias = (name) => (RENAMED.has(name) ? ALIAS + name : name);
const unalias = (name) => (name.startsWith(ALIAS) ? name.slice(ALIAS.length) : name);

function renameDeep(value, rename) {
  if (Array.isArray(value)) return value.map((v) => renameDeep(v, rename));
  if (!isContainer(value)) return value;
  const out = {};
  for (const k of Object.keys(value)) setMember(out, rename(k), renameDeep(value[k], rename));
  return out;
}

/** Rule 4 and the shape of a pointer: "" or "/"-prefixed tokens with only "~0"/"~1" escapes. */
function checkPointer(p, what) {
  if (typeof p !== "string") reject(`${what} is not a string`);
  if (p !== "" && p[0] !== "/") reject(`${what} ${JSON.stringify(p)} does not start with "/"`);
  if (/~(?![01])/.test(p)) reject(`${what} ${JSON.stringify(p)} has a "~" that is not "~0" or "~1"`);
}

const tokensOf = (p) => (p === "" ? [] : p.slice(1).split("/").map(unescapePathComponent));
const pointerOf = (tokens) => tokens.map((t) => "/" + escapePathComponent(t)).join("");

/**
 * Rules 2 and 3, on the (renamed) document about to be changed. Anything else (a missing member
 * or element, "-", a scalar below the root, which FJP's validation refuses to walk into) is left
 * to FJP.
 */
function checkWalk(doc, tokens) {
  if (tokens.length && !isContainer(doc)) reject(`a pointer into the document ${JSON.stringify(doc)}, which has no members`);
  let v = doc;
  for (const t of tokens) {
    if (Array.isArray(v)) {
      if (t === "-") return;
      if (!INDEX.test(t)) reject(`${JSON.stringify(t)} is not an array index`);
      if (Number(t) > v.length) reject(`index ${t} is past the end (length ${v.length})`);
      v = v[Number(t)];
    } else if (isContainer(v)) {
      v = Object.hasOwn(v, t) ? v[t] : undefined;
    } else {
      return;
    }
    if (v === undefined) return;
  }
}

const fjp = (doc, op) => applyOperation(doc, op, true, true);

function applyOne(doc, basePointer, op, index) {
  if (!isContainer(op) || Array.isArray(op)) reject("the operation is not an object");
  if (!OPS.has(op.op)) reject(`unknown op ${JSON.stringify(op.op)}`); // rule 7
  try {
    validator(op, index); // FJP's shape checks: path and from are strings, value is present
  } catch (err) {
    reject(`FJP: ${err.name}`);
  }
  checkPointer(op.path, "path");
  const path = tokensOf(basePointer + op.path).map(alias);
  const at = pointerOf(path);
  if (op.op === "move" || op.op === "copy") {
    checkPointer(op.from, "from");
    const from = tokensOf(basePointer + op.from).map(alias);
    if (op.op === "move" && from.length < path.length && from.every((t, i) => t === path[i])) {
      reject("move into a child of its own from"); // rule 6
    }
    checkWalk(doc, from);
    let value;
    if (op.op === "move") {
      const removed = fjp(doc, { op: "remove", path: pointerOf(from) });
      doc = removed.newDocument;
      value = removed.removed;
    } else {
      value = deepClone(fjp(deepClone(doc), { op: "remove", path: pointerOf(from) }).removed);
    }
    checkWalk(doc, path);
    return fjp(doc, { op: "add", path: at, value }).newDocument; // rule 5
  }
  checkWalk(doc, path);
  const renamed = { op: op.op, path: at };
  if (op.op !== "remove") renamed.value = renameDeep(op.value, alias);
  return fjp(doc, renamed).newDocument;
}

/**
 * Applies `ops` (pointers relative to `base`) to a copy of `doc` as RFC 6902 says. Returns
 * {ok: true, doc} or {ok: false, why}; never throws and never changes its arguments.
 */
export function oracleApply(doc, base, ops) {
  let state = renameDeep(doc, alias);
  let i = 0;
  try {
    checkPointer(base, "base path");
    if (!Array.isArray(ops)) reject("the patch is not an array");
    for (; i < ops.length; i++) state = applyOne(state, base, ops[i], i);
  } catch (err) {
    return { ok: false, why: `op ${i}: ${err instanceof Rejected ? err.message : `${err.name}: ${err.message.split("\n")[0]}`}` };
  }
  return { ok: true, doc: renameDeep(state, unalias) };
}
