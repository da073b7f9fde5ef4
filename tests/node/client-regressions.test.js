// Fixed cases for the client's pure JSON Patch code (idom-client.js), one per bug the oracle test
// (client-oracle.test.js) found, with the RFC section that decides it.

import assert from "node:assert/strict";
import test from "node:test";
import * as client from "../../idom-runtime/src/client/idom-client.js";

const { applyPatch, parsePointer } = client;

test("the client module imports in Node: nothing at its top level needs a DOM", () => {
  for (const name of ["parsePointer", "applyPatch", "serializeEvent", "mount"]) assert.equal(typeof client[name], "function", name);
});

test("test compares JSON values, not their text: member order does not count (RFC 6902 section 4.6)", () => {
  const model = { tagName: "", attributes: { class: "a", style: { color: "red", margin: 0 } }, children: ["x", { tagName: "p" }] };
  const equal = { children: ["x", { tagName: "p" }], attributes: { style: { margin: 0, color: "red" }, class: "a" }, tagName: "" };
  assert.equal(applyPatch(structuredClone(model), "", [{ op: "test", path: "", value: equal }]).tagName, "");
  assert.doesNotThrow(() => applyPatch(structuredClone(model), "/attributes", [{ op: "test", path: "/style", value: { margin: 0, color: "red" } }]));
  const unequal = [
    ["/attributes/style", { color: "red" }],
    ["/attributes/style", { color: "red", margin: 0, extra: null }],
    ["/attributes/style", { color: "red", margin: "0" }],
    ["/children", [{ tagName: "p" }, "x"]],
    ["/children", ["x"]],
    ["/attributes/style", ["red", 0]],
    ["/attributes/class", ["a"]],
    ["/children/1", null],
  ];
  for (const [path, value] of unequal) {
    assert.throws(() => applyPatch(structuredClone(model), "", [{ op: "test", path, value }]), /test failed/, `${path} ${JSON.stringify(value)}`);
  }
});

test("a value cannot be moved into one of its own children (RFC 6902 section 4.4)", () => {
  const model = () => ({ tagName: "", children: [{ tagName: "a" }, { tagName: "b", children: [] }, "text"] });
  // Before the fix these applied: once children/0 was taken out, children/1 slid into its place
  // and received it.
  const intoChild = [
    ["", { op: "move", from: "/children/0", path: "/children/0/children" }],
    ["", { op: "move", from: "/children/1", path: "/children/1/children/0" }],
    ["/children", { op: "move", from: "/0", path: "/0/children" }],
    ["", { op: "move", from: "", path: "/children/-" }],
  ];
  for (const [base, op] of intoChild) assert.throws(() => applyPatch(model(), base, [op]), /own child/, JSON.stringify(op));
  // The same place, a sibling and an ancestor are fine.
  assert.deepEqual(applyPatch(model(), "", [{ op: "move", from: "/children/0", path: "/children/0" }]), model());
  assert.deepEqual(applyPatch(model(), "/children", [{ op: "move", from: "/2", path: "/1/children/0" }]).children, [
    { tagName: "a" },
    { tagName: "b", children: ["text"] },
  ]);
  assert.deepEqual(applyPatch({ style: { color: "red" } }, "", [{ op: "move", from: "/style/color", path: "/style" }]), { style: "red" });
  // A prefix of the text of a token is not a prefix of the path.
  assert.deepEqual(applyPatch({ a: 1, ab: {} }, "", [{ op: "move", from: "/a", path: "/ab/x" }]), { ab: { x: 1 } });
});

test('"__proto__" is an ordinary member name (RFC 6901 section 4), and no prototype changes', () => {
  const plain = (v) => Object.getPrototypeOf(v) === Object.prototype;
  let model = { tagName: "div", attributes: { class: "x" }, children: [] };
  model = applyPatch(model, "/attributes", [{ op: "add", path: "/__proto__", value: { polluted: true } }]);
  assert.ok(Object.hasOwn(model.attributes, "__proto__") && plain(model.attributes));
  assert.deepEqual(Object.keys(model.attributes), ["class", "__proto__"]);
  assert.equal(model.attributes.polluted, undefined);
  model = applyPatch(model, "", [
    { op: "test", path: "/attributes/__proto__", value: { polluted: true } },
    { op: "replace", path: "/attributes/__proto__", value: "v" },
    { op: "copy", from: "/attributes/__proto__", path: "/children/-" },
    { op: "move", from: "/attributes/class", path: "/attributes/__proto__" },
  ]);
  assert.equal(model.attributes.__proto__, "x"); // the own member, not the prototype
  assert.ok(plain(model.attributes));
  assert.deepEqual(model.children, ["v"]);
  // A member called "__proto__" can also be added as part of a whole model and then removed.
  model = applyPatch(model, "", [{ op: "add", path: "", value: JSON.parse('{"__proto__": {"a": 1}}') }, { op: "add", path: "/__proto__/b", value: 2 }]);
  assert.deepEqual(JSON.parse(JSON.stringify(model)), JSON.parse('{"__proto__": {"a": 1, "b": 2}}'));
  assert.ok(plain(model));
  model = applyPatch(model, "", [{ op: "remove", path: "/__proto__" }]);
  assert.deepEqual(Object.keys(model), []);
  // Inherited properties are not members.
  for (const name of ["constructor", "toString", "hasOwnProperty"]) {
    assert.throws(() => applyPatch({}, "", [{ op: "remove", path: `/${name}` }]), /nothing/);
    assert.throws(() => applyPatch({}, "", [{ op: "replace", path: `/${name}`, value: 1 }]), /nothing/);
  }
  assert.equal(({}).polluted, undefined);
});

test("add, replace and test must have a value (RFC 6902 sections 4.1, 4.3, 4.6)", () => {
  const model = () => ({ tagName: "", attributes: { id: "x" }, children: ["a"] });
  // Before the fix, the add and replace cases put `undefined` into the model (or made it the
  // whole model).
  for (const op of [
    { op: "add", path: "/children/-" },
    { op: "add", path: "/attributes/class" },
    { op: "add", path: "" },
    { op: "replace", path: "/attributes/id" },
    { op: "test", path: "/children/0", value: undefined },
  ]) {
    assert.throws(() => applyPatch(model(), "", [op]), /without a value/, JSON.stringify(op));
  }
  assert.deepEqual(applyPatch(model(), "", [{ op: "add", path: "/attributes/hidden", value: null }]).attributes, { id: "x", hidden: null });
});

test('a "~" not followed by "0" or "1" makes a pointer malformed (RFC 6901 section 3)', () => {
  for (const bad of ["/a~2", "/a~", "/~", "/~~", "/~a/b", "/ok/x~-1", "a", "a/b", 5, null]) {
    assert.throws(() => parsePointer(bad), /bad JSON Pointer/, JSON.stringify(bad));
  }
  // Before the fix "/a~2" named the member "a~2".
  assert.throws(() => applyPatch({ "a~2": 1 }, "", [{ op: "remove", path: "/a~2" }]), /bad JSON Pointer/);
  assert.throws(() => applyPatch({ a: { b: 1 } }, "/a~", [{ op: "remove", path: "/b" }]), /bad JSON Pointer/);
  assert.deepEqual(parsePointer(""), []);
  assert.deepEqual(parsePointer("/"), [""]);
  assert.deepEqual(parsePointer("/~01"), ["~1"]); // "~0" then "1", never "/"
  assert.deepEqual(parsePointer("/a~1b/~0~1/m~0n"), ["a/b", "~/", "m~n"]);
});
