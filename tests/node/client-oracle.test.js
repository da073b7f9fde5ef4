// The browser client's JSON Patch code against an oracle (issue 16, "Reliability II").
//
// Random models (idom element trees and general JSON) and random patches, relative to a random
// base pointer like a layout-update's `path`, are applied by the client's `applyPatch` and by the
// oracle (fast-json-patch, held to RFC 6902 where it departs from it: see oracle.js). Both must
// produce the same document, or both must refuse the patch. Object.prototype must be untouched.
//
//   node --test tests/node/                               the default run (fixed seed)
//   IDOM_ORACLE_SEED=123 IDOM_ORACLE_CASES=20000 node --test tests/node/
//   IDOM_ORACLE_SEED=123 IDOM_ORACLE_CASE=417 node --test tests/node/    replay one case
//
// A failure prints the seed, the case index, the model, the base and the (shrunk) patch as JSON.

import assert from "node:assert/strict";
import test from "node:test";
import { escapePathComponent } from "fast-json-patch/index.mjs";
import { applyPatch, parsePointer } from "../../idom-runtime/src/client/idom-client.js";
import { genCase, genKey } from "./generate.js";
import { jsonEqual, sharesNodes, show } from "./json.js";
import { oracleApply } from "./oracle.js";
import { Rng, caseSeed } from "./prng.js";

const DEFAULT_SEED = 20160416;
const DEFAULT_CASES = 3000;

function envInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${JSON.stringify(raw)}`);
  return n;
}

const SEED = envInt("IDOM_ORACLE_SEED", DEFAULT_SEED) >>> 0;
const CASES = envInt("IDOM_ORACLE_CASES", DEFAULT_CASES);
const ONLY = envInt("IDOM_ORACLE_CASE", -1);

function clientApply(model, base, ops) {
  try {
    return { ok: true, doc: applyPatch(structuredClone(model), base, structuredClone(ops)) };
  } catch (err) {
    return { ok: false, why: String(err?.message ?? err) };
  }
}

const protoNames = () => [Object.prototype, Array.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join());
const PRISTINE = protoNames().join("|");

/** Why the client and the oracle disagree on `c`, or null when they agree. */
function disagreement(c) {
  const expected = oracleApply(c.model, c.base, c.ops);
  const actual = clientApply(c.model, c.base, c.ops);
  if (protoNames().join("|") !== PRISTINE) return { why: "a built-in prototype gained or lost a property", expected, actual };
  if (expected.ok !== actual.ok) {
    return { why: expected.ok ? `the client refused a patch the oracle applied (${actual.why})` : `the client applied a patch the oracle refused (${expected.why})`, expected, actual };
  }
  if (actual.ok && sharesNodes(actual.doc)) return { why: "the client's document shares a node between two places", expected, actual };
  if (expected.ok && !jsonEqual(actual.doc, expected.doc)) return { why: "the documents differ", expected, actual };
  return null;
}

/** Shrinking-lite: drop operations, then simplify values, while the disagreement remains. */
function shrink(c) {
  let best = c;
  for (let progress = true; progress; ) {
    progress = false;
    for (let i = 0; i < best.ops.length; i++) {
      const smaller = { ...best, ops: best.ops.filter((_, j) => j !== i) };
      if (smaller.ops.length && disagreement(smaller)) { best = smaller; progress = true; i--; }
    }
    for (let i = 0; i < best.ops.length; i++) {
      const op = best.ops[i];
      if (op === null || typeof op !== "object" || !Object.hasOwn(op, "value") || op.value === null) continue;
      const simpler = { ...best, ops: best.ops.map((o, j) => (j === i ? { ...o, value: null } : o)) };
      if (disagreement(simpler)) { best = simpler; progress = true; }
    }
  }
  return best;
}

function report(index, c) {
  const small = shrink(c);
  const d = disagreement(small);
  return [
    `client and oracle disagree: ${d.why}`,
    `  seed ${SEED}, case ${index}; replay: IDOM_ORACLE_SEED=${SEED} IDOM_ORACLE_CASE=${index} node --test tests/node/`,
    `  model:  ${show(small.model)}`,
    `  base:   ${show(small.base)}`,
    `  patch:  ${show(small.ops)}${small.ops.length < c.ops.length ? ` (shrunk from ${c.ops.length} operations)` : ""}`,
    `  oracle: ${d.expected.ok ? `applied -> ${show(d.expected.doc)}` : `refused: ${d.expected.why}`}`,
    `  client: ${d.actual.ok ? `applied -> ${show(d.actual.doc)}` : `refused: ${d.actual.why}`}`,
  ].join("\n");
}

test(`client applyPatch matches the oracle (seed ${SEED}, ${ONLY >= 0 ? `case ${ONLY}` : `${CASES} cases`})`, (t) => {
  t.diagnostic(`IDOM_ORACLE_SEED=${SEED} IDOM_ORACLE_CASES=${CASES}${ONLY >= 0 ? ` IDOM_ORACLE_CASE=${ONLY}` : ""}`);
  const stats = { applied: 0, refused: 0, brokenOnPurpose: 0, relative: 0, ops: 0 };
  const indices = ONLY >= 0 ? [ONLY] : Array.from({ length: CASES }, (_, i) => i);
  for (const i of indices) {
    const c = genCase(new Rng(caseSeed(SEED, i)));
    const d = disagreement(c);
    if (d) assert.fail(report(i, c));
    if (oracleApply(c.model, c.base, c.ops).ok) stats.applied++;
    else stats.refused++;
    if (c.malformed) stats.brokenOnPurpose++;
    if (c.base !== "") stats.relative++;
    stats.ops += c.ops.length;
  }
  const n = indices.length;
  const pct = (k) => `${((100 * k) / n).toFixed(1)}%`;
  t.diagnostic(
    `${n} cases, ${stats.ops} operations: ${stats.applied} applied (${pct(stats.applied)}), ${stats.refused} refused by both (${pct(stats.refused)}); ` +
      `${stats.brokenOnPurpose} with an operation broken on purpose, ${stats.relative} relative to a base path`,
  );
  if (n >= 1000) {
    // Keep the mix meaningful: a generator change that made nearly everything apply (or fail)
    // would quietly stop testing one side.
    assert.ok(stats.refused / n >= 0.25, `only ${pct(stats.refused)} of the patches were refused`);
    assert.ok(stats.applied / n >= 0.4, `only ${pct(stats.applied)} of the patches applied`);
  }
});

test(`client parsePointer undoes RFC 6901 escaping as fast-json-patch does it (seed ${SEED})`, () => {
  const rng = new Rng(caseSeed(SEED, 0xffffffff));
  const pieces = ["~", "/", "0", "1", "~0", "~1", "a", "", "é"];
  for (let i = 0; i < 1000; i++) {
    const tokens = Array.from({ length: rng.int(5) }, () => (rng.chance(0.5) ? genKey(rng) : Array.from({ length: rng.int(5) }, () => rng.pick(pieces)).join("")));
    const text = tokens.map((t) => "/" + escapePathComponent(t)).join("");
    assert.deepEqual(parsePointer(text), tokens, text);
  }
});
