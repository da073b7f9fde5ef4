// JSON values as the tests see them: plain objects (prototype Object.prototype, members are own
// enumerable properties, "__proto__" included), arrays, strings, finite numbers, booleans, null.

/** Sets member `key` of `object` as an own data property, even when `key` is "__proto__". */
export function setMember(object, key, value) {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  return object;
}

/** A JSON pointer from unescaped tokens (RFC 6901: "~" -> "~0", "/" -> "~1"). */
export function pointer(tokens) {
  return tokens.map((t) => "/" + String(t).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export function isContainer(v) {
  return v !== null && typeof v === "object";
}

/**
 * RFC 6902 equality (section 4.6), and also the same shape of JavaScript value: objects must be
 * plain (so a patch that set a prototype instead of a member is caught), member order is ignored.
 */
export function jsonEqual(a, b) {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/** Every location of `value` as {tokens, value}, the root first, depth first. */
export function locations(value, tokens = [], out = []) {
  out.push({ tokens, value });
  if (Array.isArray(value)) value.forEach((v, i) => locations(v, tokens.concat(String(i)), out));
  else if (isContainer(value)) for (const k of Object.keys(value)) locations(value[k], tokens.concat(k), out);
  return out;
}

/** The value at unescaped `tokens`, or undefined when there is none. */
export function valueAt(value, tokens) {
  for (const t of tokens) {
    if (Array.isArray(value) && /^(?:0|[1-9][0-9]*)$/.test(t) && Number(t) < value.length) value = value[Number(t)];
    else if (isContainer(value) && !Array.isArray(value) && Object.hasOwn(value, t)) value = value[t];
    else return undefined;
  }
  return value;
}

/** Whether some object or array is reachable twice in `value` (shared, or a cycle). */
export function sharesNodes(value, seen = new Set()) {
  if (!isContainer(value)) return false;
  if (seen.has(value)) return true;
  seen.add(value);
  return Object.values(value).some((v) => sharesNodes(v, seen));
}

/** JSON.stringify for messages: keeps `undefined` visible where JSON has no word for it. */
export function show(value) {
  try {
    return JSON.stringify(value, (_, v) => (v === undefined ? "<undefined>" : v));
  } catch (err) {
    return `<not JSON: ${err.message.split("\n")[0]}>`;
  }
}
