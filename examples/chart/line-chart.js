// A small SVG line chart, written for idom's `chart` example: no dependencies, no build step.
//
// The widget contract (docs/js.md): `LineChart.mount(element, props, emit)` draws into
// `element` and returns the instance: `update(props)` when props change, `unmount()` when the
// element leaves the page, and the methods the server calls, here `append(points)`.
//
// Props: `title` (text), `color` (CSS colour), `window` (how many points to keep, default 60),
// `points` (initial `[x, y]` pairs). A click on the chart emits `pick` with the nearest point.
// Each mounted chart is listed in `window.idomLineCharts` (its points and colour), for debugging
// and for the tests; `window.idomLineChartUnmounts` counts unmounts.

const SVG = "http://www.w3.org/2000/svg";
const W = 600, H = 240, PAD = 32;

function node(tag, attrs = {}) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

export const LineChart = {
  mount(element, props, emit) {
    const state = { points: [], color: "steelblue", title: "", window: 60 };
    const svg = node("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img" });
    const caption = node("text", { x: PAD, y: 18, "font-size": 14, "font-family": "system-ui, sans-serif" });
    const axis = node("path", { d: `M${PAD},${PAD} V${H - PAD} H${W - PAD}`, stroke: "#999", fill: "none" });
    const line = node("polyline", { fill: "none", "stroke-width": 2 });
    const low = node("text", { x: 2, y: H - PAD, "font-size": 11, fill: "#666" });
    const high = node("text", { x: 2, y: PAD + 4, "font-size": 11, fill: "#666" });
    svg.append(caption, axis, line, low, high);
    element.replaceChildren(svg);

    const bounds = () => {
      const xs = state.points.map((p) => p[0]), ys = state.points.map((p) => p[1]);
      const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
      const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
      return { x0, x1: x1 > x0 ? x1 : x0 + 1, y0, y1: y1 > y0 ? y1 : y0 + 1 };
    };
    const draw = () => {
      caption.textContent = state.title;
      line.setAttribute("stroke", state.color);
      if (!state.points.length) return line.setAttribute("points", "");
      const b = bounds();
      const sx = (x) => PAD + ((x - b.x0) / (b.x1 - b.x0)) * (W - 2 * PAD);
      const sy = (y) => H - PAD - ((y - b.y0) / (b.y1 - b.y0)) * (H - 2 * PAD);
      line.setAttribute("points", state.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" "));
      low.textContent = b.y0.toFixed(1);
      high.textContent = b.y1.toFixed(1);
    };
    const valid = (p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite);
    const keep = () => { state.points = state.points.slice(-state.window); };
    const apply = (p) => {
      if (typeof p.title === "string") state.title = p.title;
      if (typeof p.color === "string") state.color = p.color;
      if (Number.isInteger(p.window) && p.window > 1) state.window = p.window;
      if (Array.isArray(p.points)) state.points = p.points.filter(valid);
      keep();
      draw();
    };

    svg.addEventListener("click", (e) => {
      if (!state.points.length) return;
      const box = svg.getBoundingClientRect();
      const b = bounds();
      const x = b.x0 + ((e.clientX - box.left) / box.width * W - PAD) / (W - 2 * PAD) * (b.x1 - b.x0);
      const nearest = state.points.reduce((a, p) => (Math.abs(p[0] - x) < Math.abs(a[0] - x) ? p : a));
      emit("pick", { x: nearest[0], y: nearest[1] });
    });

    (window.idomLineCharts ??= []).push(state);
    apply(props);
    return {
      update: apply,
      append(points) {
        const more = (Array.isArray(points?.[0]) ? points : [points]).filter(valid);
        state.points.push(...more);
        keep();
        draw();
      },
      unmount() {
        window.idomLineCharts = window.idomLineCharts.filter((s) => s !== state);
        window.idomLineChartUnmounts = (window.idomLineChartUnmounts ?? 0) + 1;
        element.replaceChildren();
      },
    };
  },
};
