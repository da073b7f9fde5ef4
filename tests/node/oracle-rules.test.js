// The oracle's rules (oracle.js), each shown against fast-json-patch itself: what FJP does on its
// own, and what the oracle, held to RFC 6902 / 6901, answers instead. If an FJP upgrade changes
// one of the "FJP alone" results, the matching rule may no longer be needed.

import assert from "node:assert/strict";
import test from "node:test";
import { applyPatch as fjpApply } from "fast-json-patch/index.mjs";
import { jsonEqual } from "./json.js";
import { oracleApply } from "./oracle.js";

/** FJP alone, validating, on a copy: the new document, or "refused". */
function fjpAlone(doc, ops) {
  try {
    return fjpApply(doc, structuredClone(ops), true, false).newDocument;
  } catch {
    return "refused";
  }
}

function oracle(doc, ops, base = "") {
  const r = oracleApply(doc, base, ops);
  return r.ok ? r.doc : "refused";
}

const sameDoc = (actual, expected) => assert.ok(jsonEqual(actual, expected), `${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);

test("rule 1: Object.prototype names are ordinary member names", () => {
  const ops = [{ op: "add", path: "/__proto__", value: { polluted: true } }];
  assert.equal(fjpAlone({}, ops), "refused");
  const doc = oracle({}, ops);
  assert.ok(Object.hasOwn(doc, "__proto__") && Object.getPrototypeOf(doc) === Object.prototype);
  assert.deepEqual(Object.keys(doc), ["__proto__"]);
  assert.equal(({}).polluted, undefined);

  const inherited = [{ op: "remove", path: "/constructor" }];
  sameDoc(fjpAlone({}, inherited), {}); // FJP: the inherited property counts as a member
  assert.equal(oracle({}, inherited), "refused");
  sameDoc(oracle({ constructor: 1, toString: 2 }, inherited), { toString: 2 });
  sameDoc(oracle({ constructor: {} }, [{ op: "add", path: "/constructor/prototype", value: 1 }]), { constructor: { prototype: 1 } });
});

test("rule 2: array indices are canonical and in range", () => {
  const doc = { a: [1, 2, 3] };
  sameDoc(fjpAlone(doc, [{ op: "add", path: "/a/01", value: 9 }]), { a: [1, 9, 2, 3] });
  sameDoc(fjpAlone(doc, [{ op: "add", path: "/a/", value: 9 }]), { a: [9, 1, 2, 3] });
  sameDoc(fjpAlone(doc, [{ op: "test", path: "/a/4294967297", value: 2 }]), doc); // ~~ wraps to 1
  for (const token of ["01", "", "4294967297", "00"]) {
    assert.equal(oracle(doc, [{ op: "add", path: `/a/${token}`, value: 9 }]), "refused", token);
  }
  sameDoc(oracle(doc, [{ op: "add", path: "/a/3", value: 9 }]), { a: [1, 2, 3, 9] });
  sameDoc(oracle(doc, [{ op: "add", path: "/a/-", value: 9 }]), { a: [1, 2, 3, 9] });
  assert.equal(oracle(doc, [{ op: "replace", path: "/a/3", value: 9 }]), "refused");
  sameDoc(oracle({ a: { "01": 1 } }, [{ op: "remove", path: "/a/01" }]), { a: {} }); // a member name on objects
});

test("rule 3: a scalar document has no members", () => {
  sameDoc(fjpAlone("str", [{ op: "test", path: "/0", value: "s" }]), "str");
  sameDoc(fjpAlone("str", [{ op: "test", path: "/length", value: 3 }]), "str");
  assert.equal(oracle("str", [{ op: "test", path: "/0", value: "s" }]), "refused");
  assert.equal(oracle({ s: "str" }, [{ op: "test", path: "/s/0", value: "s" }]), "refused"); // FJP's own check
});

test("rule 4: a '~' must start '~0' or '~1'", () => {
  sameDoc(fjpAlone({ "a~2": 1 }, [{ op: "remove", path: "/a~2" }]), {});
  assert.equal(oracle({ "a~2": 1 }, [{ op: "remove", path: "/a~2" }]), "refused");
  assert.equal(oracle({ "a~": 1 }, [{ op: "remove", path: "/a~" }]), "refused");
  sameDoc(oracle({ "a~": 1 }, [{ op: "remove", path: "/a~0" }]), {});
  sameDoc(oracle({ "~1": 1 }, [{ op: "remove", path: "/~01" }]), {}); // "~01" is "~1", not "/"
});

test("rule 5: move and copy are remove+add and add of the value at from", () => {
  const doc = { a: [1, 2, 3], b: 1 };
  sameDoc(fjpAlone(doc, [{ op: "move", from: "/b", path: "/a/10" }]), { a: [1, 2, 3, 1] });
  sameDoc(fjpAlone(doc, [{ op: "copy", from: "/b", path: "/a/10" }]), { a: [1, 2, 3, 1], b: 1 });
  assert.equal(fjpAlone(doc, [{ op: "move", from: "/nope", path: "" }]), undefined);
  assert.equal(oracle(doc, [{ op: "move", from: "/b", path: "/a/10" }]), "refused");
  assert.equal(oracle(doc, [{ op: "copy", from: "/b", path: "/a/10" }]), "refused");
  assert.equal(oracle(doc, [{ op: "move", from: "/nope", path: "" }]), "refused");
  // The index of the target counts after the removal.
  sameDoc(oracle(doc, [{ op: "move", from: "/a/0", path: "/a/2" }]), { a: [2, 3, 1], b: 1 });
  assert.equal(oracle(doc, [{ op: "move", from: "/a/0", path: "/a/3" }]), "refused");
  sameDoc(oracle(doc, [{ op: "move", from: "/b", path: "" }]), 1);
  sameDoc(oracle(doc, [{ op: "copy", from: "", path: "/self" }]), { ...doc, self: doc });
});

test("rule 6: a value cannot move into its own child", () => {
  const doc = { a: [{}, {}] };
  sameDoc(fjpAlone(doc, [{ op: "move", from: "/a/0", path: "/a/0/x" }]), { a: [{ x: {} }] });
  assert.equal(oracle(doc, [{ op: "move", from: "/a/0", path: "/a/0/x" }]), "refused");
  assert.equal(oracle(doc, [{ op: "move", from: "", path: "/x" }]), "refused");
  sameDoc(oracle(doc, [{ op: "move", from: "/a/0", path: "/a/0" }]), doc); // the same place is fine
  sameDoc(oracle({ a: { b: 1 } }, [{ op: "move", from: "/a/b", path: "/a" }]), { a: 1 }); // up is fine
});

test("rule 7: only the six operations of RFC 6902", () => {
  sameDoc(fjpAlone({ a: 1 }, [{ op: "_get", path: "/a" }]), { a: 1 });
  for (const op of ["_get", "Add", "delete", undefined, null, 42]) {
    assert.equal(oracle({ a: 1 }, [{ op, path: "/a", value: 1 }]), "refused", String(op));
  }
});

test("pointers are relative to the base, which must itself be a pointer", () => {
  const doc = { page: { children: ["a", "b"] } };
  sameDoc(oracle(doc, [{ op: "remove", path: "/children/0" }], "/page"), { page: { children: ["b"] } });
  sameDoc(oracle(doc, [{ op: "replace", path: "", value: 1 }], "/page"), { page: 1 });
  assert.equal(oracle(doc, [{ op: "remove", path: "children/0" }], "/page"), "refused"); // not "/pagechildren/0"
  assert.equal(oracle(doc, [{ op: "remove", path: "/children/0" }], "page"), "refused");
});

test("the whole document: remove gives null (both implementations; the RFC is silent)", () => {
  assert.equal(fjpAlone({ a: 1 }, [{ op: "remove", path: "" }]), null);
  assert.equal(oracle({ a: 1 }, [{ op: "remove", path: "" }]), null);
});
