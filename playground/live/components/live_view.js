// PyTorch Playground's live view: listens to the run's frame stream and draws it.
// No Streamlit rerun happens while a model trains; Python only mounts this view.

const WHITE = [255, 255, 255];

function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function formatNumber(value, digits) {
  return value === null || value === undefined ? "–" : value.toFixed(digits);
}

function sizeCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(10, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(10, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return ratio;
}

// A value on TF Playground's regression scale: orange (-1) .. white (0) .. blue (+1), as DIVERGING_PALETTE.
function valueColour(value, palette) {
  const t = Math.max(-1, Math.min(1, value));
  const end = t >= 0 ? palette[1] : palette[0];
  return WHITE.map((w, c) => Math.round(w + (end[c] - w) * Math.abs(t)));
}

function rgbText(rgb) {
  return `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
}

// A regression's surface arrives as a PNG whose red channel is the value's step 0..254 on -1..1.
function colourSurface(data, src, out) {
  const palette = data.colors.slice(0, 2).map(hexToRgb);
  for (let i = 0; i < src.length; i += 4) {
    const t = src[i] / 127 - 1;
    const colour = valueColour(data.discretize ? (t > 0 ? 1 : t < 0 ? -1 : 0) : t, palette);
    for (let c = 0; c < 3; c++) out.data[i + c] = colour[c];
    out.data[i + 3] = 255;
  }
  return out;
}

// The boundary arrives as a PNG whose red channel is the winning class and green its confidence.
function colourBoundary(state) {
  const { data, decoded } = state;
  if (!decoded) return null;
  if (data.surface) return colourSurface(data, decoded.data, new ImageData(decoded.width, decoded.height));
  const palette = data.colors.map(hexToRgb);
  const [base, gain] = data.tint;
  const out = new ImageData(decoded.width, decoded.height);
  const src = decoded.data;
  for (let i = 0; i < src.length; i += 4) {
    const colour = palette[Math.min(src[i], palette.length - 1)];
    const strength = data.discretize ? 1 : base + gain * (src[i + 1] / 255);
    for (let c = 0; c < 3; c++) out.data[i + c] = WHITE[c] + (colour[c] - WHITE[c]) * strength;
    out.data[i + 3] = 255;
  }
  return out;
}

function drawBoundary(root, state) {
  const canvas = root.querySelector(".pg-boundary");
  const ratio = sizeCanvas(canvas);
  const ctx = canvas.getContext("2d");
  const { data } = state;
  const margin = 34 * ratio;
  const pad = 8 * ratio;
  const size = Math.min(canvas.width - pad, canvas.height - pad) - margin;
  const limit = data.limit;
  const toX = (x) => margin + ((x + limit) / (2 * limit)) * size;
  const toY = (y) => pad + ((limit - y) / (2 * limit)) * size;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const pixels = colourBoundary(state);
  if (pixels) {
    const off = state.offscreen || (state.offscreen = document.createElement("canvas"));
    off.width = pixels.width;
    off.height = pixels.height;
    off.getContext("2d").putImageData(pixels, 0, 0);
    ctx.imageSmoothingEnabled = !data.discretize;
    ctx.drawImage(off, margin, pad, size, size);
  }
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(margin, pad, size, size);
  ctx.fillStyle = "#555";
  ctx.font = `${11 * ratio}px sans-serif`;
  ctx.textAlign = "center";
  for (const tick of data.ticks) {
    ctx.fillText(String(tick), toX(tick), pad + size + 13 * ratio);
    ctx.textAlign = "right";
    ctx.fillText(String(tick), margin - 4 * ratio, toY(tick) + 4 * ratio);
    ctx.textAlign = "center";
  }
  ctx.fillText("x1", margin + size / 2, pad + size + 25 * ratio);
  ctx.save();
  ctx.translate(9 * ratio, pad + size / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText("x2", 0, 0);
  ctx.restore();
  const radius = 3.4 * ratio;
  const sets = [["train", true]];
  if (data.show_test) sets.push(["test", false]);
  const ends = data.colors.slice(0, 2).map(hexToRgb);
  for (const [name, filled] of sets) {
    for (const [x, y, label] of data.points[name]) {
      // A class's colour, or (regression) the value's colour on the surface's own scale.
      const colour = data.surface ? rgbText(valueColour(label, ends)) : data.colors[label % data.colors.length];
      ctx.beginPath();
      ctx.arc(toX(x), toY(y), radius, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.lineWidth = 0.8 * ratio;
        ctx.strokeStyle = data.surface ? "#666" : "#fff"; // a value near 0 is white: a grey ring keeps it visible
        ctx.stroke();
      } else {
        ctx.lineWidth = 1.8 * ratio;
        ctx.strokeStyle = colour;
        ctx.stroke();
      }
    }
  }
  window.__playgroundBoundaryDraws = (window.__playgroundBoundaryDraws || 0) + 1;
  canvas.dataset.frame = String(state.frame ? state.frame.seq : 0);
}

function drawChart(canvas, rawSeries, yLabel, fixedRange, logScale) {
  const ratio = sizeCanvas(canvas);
  // On a log scale, values are drawn as log10 and labelled back in plain numbers.
  const series = logScale
    ? rawSeries.map((s) => ({ ...s, values: s.values.map(([e, v]) => [e, v === null ? null : Math.log10(Math.max(v, 1e-8))]) }))
    : rawSeries;
  const label = (v) => (logScale ? Math.pow(10, v) : v).toPrecision(2);
  const ctx = canvas.getContext("2d");
  const w = canvas.width;
  const h = canvas.height;
  const left = 40 * ratio;
  const bottom = 30 * ratio;
  ctx.font = `${11 * ratio}px sans-serif`;
  // The legend runs along the top and wraps onto more rows where the chart is narrow (a phone, two runs).
  const keys = [];
  let keyX = left + (logScale ? 130 : 80) * ratio;
  let keyRow = 0;
  for (const s of series) {
    const width = 26 * ratio + ctx.measureText(s.name).width;
    if (keyX + width - 8 * ratio > w && keyX > left + 4 * ratio) {
      keyRow += 1;
      keyX = left + 4 * ratio;
    }
    keys.push([keyX, keyRow * 13 * ratio]);
    keyX += width;
  }
  const top = (18 + keyRow * 13) * ratio;
  ctx.clearRect(0, 0, w, h);
  const points = series.flatMap((s) => s.values.filter((v) => v[1] !== null));
  let [low, high] = fixedRange || [Infinity, -Infinity];
  if (!fixedRange) {
    for (const [, v] of points) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    if (!isFinite(low)) [low, high] = [0, 1];
    if (!logScale) low = Math.min(low, 0);
    if (high - low < 1e-9) high = low + 1;
  }
  const last = points.length ? Math.max(...series.map((s) => (s.values.length ? s.values[s.values.length - 1][0] : 1))) : 1;
  const first = points.length ? Math.min(...series.map((s) => (s.values.length ? s.values[0][0] : 1))) : 0;
  const span = Math.max(last - first, 1);
  const toX = (e) => left + ((e - first) / span) * (w - left - 8 * ratio);
  const toY = (v) => top + (1 - (v - low) / (high - low)) * (h - top - bottom);
  ctx.strokeStyle = "#ddd";
  ctx.lineWidth = ratio;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, h - bottom);
  ctx.lineTo(w, h - bottom);
  ctx.stroke();
  ctx.fillStyle = "#555";
  ctx.textAlign = "right";
  ctx.fillText(label(high), left - 4 * ratio, top + 4 * ratio);
  ctx.fillText(label(low), left - 4 * ratio, h - bottom);
  ctx.textAlign = "center";
  ctx.fillText("Epoch", left + (w - left) / 2, h - 6 * ratio);
  ctx.fillText(first.toLocaleString("en-US"), left, h - bottom + 13 * ratio);
  ctx.textAlign = "right"; // the last epoch ends at the edge, never cut off
  ctx.fillText(last.toLocaleString("en-US"), w - 2 * ratio, h - bottom + 13 * ratio);
  ctx.textAlign = "left";
  ctx.fillText(logScale ? `${yLabel} (log scale)` : yLabel, left + 4 * ratio, 12 * ratio);
  series.forEach((s, index) => {
    const [keyLeft, keyTop] = keys[index];
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = 2 * ratio;
    ctx.setLineDash(s.dash ? [5 * ratio, 4 * ratio] : []);
    ctx.beginPath();
    let started = false;
    const stride = Math.max(1, Math.floor(s.values.length / (w / ratio)));
    for (let i = 0; i < s.values.length; i += stride) {
      const [e, v] = s.values[Math.min(i, s.values.length - 1)];
      if (v === null) continue;
      if (!started) ctx.moveTo(toX(e), toY(v));
      else ctx.lineTo(toX(e), toY(v));
      started = true;
    }
    if (s.values.length) {
      const [e, v] = s.values[s.values.length - 1];
      if (v !== null) ctx.lineTo(toX(e), toY(v));
    }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = s.colour;
    ctx.setLineDash(s.dash ? [4 * ratio, 3 * ratio] : []);
    ctx.beginPath();
    ctx.moveTo(keyLeft, keyTop + 7.5 * ratio);
    ctx.lineTo(keyLeft + 14 * ratio, keyTop + 7.5 * ratio);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#555";
    ctx.fillText(s.name, keyLeft + 18 * ratio, keyTop + 11 * ratio);
  });
}

function drawCharts(root, state) {
  const column = (h, i) => h.map((r) => [r[0], r[i]]);
  const compare = state.data.compare; // another run's curves on the same charts, dashed
  const own = compare && state.data.own_label ? `${state.data.own_label} ` : "";
  const series = (i, j) => {
    const lines = [
      { name: `${own}train`, colour: "#333", values: column(state.history, i) },
      { name: `${own}test`, colour: "#0877bd", values: column(state.history, j) },
    ];
    if (compare) {
      const h = state.compareHistory || [];
      lines.push({ name: `${compare.label} train`, colour: "#333", dash: true, values: column(h, i) });
      lines.push({ name: `${compare.label} test`, colour: "#0877bd", dash: true, values: column(h, j) });
    }
    return lines;
  };
  drawChart(root.querySelector('[data-chart="loss"]'), series(1, 2), "Loss", null, state.data.view === "regression");
  drawChart(root.querySelector('[data-chart="acc"]'), series(3, 4), "Accuracy", [0, 1]);
}

// The compared run's records arrive over its own stream (read-only: no pictures, no buttons).
function connectCompare(root, state) {
  if (state.compareSource) state.compareSource.close();
  state.compareSource = null;
  state.compareHistory = [];
  state.compareStream = state.data.compare ? state.data.compare.stream : null;
  if (!state.compareStream) return;
  const source = new EventSource(state.compareStream);
  state.compareSource = source;
  source.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.reset) state.compareHistory = [];
    for (const record of frame.records) state.compareHistory.push(record);
    scheduleDraw(root, state);
  };
  source.addEventListener("gone", () => source.close());
}

function drawNeurons(root, state) {
  const layers = (state.pictures && state.pictures.neurons) || [];
  const box = root.querySelector(".pg-layers");
  while (box.children.length > layers.length) box.lastChild.remove();
  layers.forEach((layer, i) => {
    let figure = box.children[i];
    if (!figure) {
      figure = document.createElement("figure");
      figure.append(document.createElement("img"), document.createElement("figcaption"));
      box.append(figure);
    }
    const img = figure.querySelector("img");
    if (img.getAttribute("src") !== layer.png) img.setAttribute("src", layer.png);
    img.style.width = `${Math.round(layer.width * 1.6)}px`;  // tiles arrive at 40 px; show them at 64
    img.alt = layer.title;
    figure.querySelector("figcaption").textContent = layer.title;
  });
}

// ---- classification: the weights as edges between units, as TF Playground draws them ------------

const SVG = "http://www.w3.org/2000/svg";

function buildWeights(box, units, state) {
  const sizes = units.map((column) => column.length);
  const top = Math.max(...sizes);
  const width = 100 * sizes.length;
  const height = 34 * top + 10;
  const at = (column, row) => [50 + 100 * column, 22 + 34 * (row + (top - sizes[column]) / 2)];
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.dataset.sig = JSON.stringify(units);
  const pick = (layer, unit, source) => state.setTriggerValue("weight", { layer, unit, source });
  for (let column = 0; column + 1 < sizes.length; column++) {
    for (let unit = 0; unit < sizes[column + 1]; unit++) {
      for (let source = 0; source < sizes[column]; source++) {
        const edge = document.createElementNS(SVG, "line");
        const [x1, y1] = at(column, source);
        const [x2, y2] = at(column + 1, unit);
        Object.entries({ x1, y1, x2, y2 }).forEach(([k, v]) => edge.setAttribute(k, v));
        edge.dataset.layer = column;
        edge.dataset.unit = unit;
        edge.dataset.source = source;
        edge.append(document.createElementNS(SVG, "title"));
        edge.addEventListener("click", () => pick(column, unit, source));
        svg.append(edge);
      }
    }
  }
  sizes.forEach((count, column) => {
    for (let row = 0; row < count; row++) {
      const node = document.createElementNS(SVG, "circle");
      const [cx, cy] = at(column, row);
      Object.entries({ cx, cy, r: 9 }).forEach(([k, v]) => node.setAttribute(k, v));
      node.dataset.column = column;
      node.dataset.row = row;
      node.append(document.createElementNS(SVG, "title"));
      if (column > 0) node.addEventListener("click", () => pick(column - 1, row, null));
      svg.append(node);
    }
  });
  box.replaceChildren(svg);
  return svg;
}

function drawWeights(root, state) {
  const panel = root.querySelector(".pg-weights");
  const layers = state.pictures && state.pictures.weights;
  const units = state.data.units;
  panel.hidden = !layers || !units;
  if (panel.hidden) return;
  const box = panel.querySelector(".pg-weights-box");
  let svg = box.querySelector("svg");
  if (!svg || svg.dataset.sig !== JSON.stringify(units)) svg = buildWeights(box, units, state);
  if (layers.length !== units.length - 1) return; // a frame of the previous network: the next one fits
  let largest = 1e-9;
  layers.forEach((layer) => layer.w.forEach((row) => row.forEach((v) => (largest = Math.max(largest, Math.abs(v))))));
  svg.querySelectorAll("line").forEach((edge) => {
    const { layer, unit, source } = edge.dataset;
    const value = layers[layer].w[unit][source];
    edge.setAttribute("stroke", value >= 0 ? "#1f77b4" : "#f28e2b");
    edge.setAttribute("stroke-width", (0.6 + 6 * Math.abs(value) / largest).toFixed(2));
    edge.firstChild.textContent = `${units[layer][source]} → ${units[+layer + 1][unit]}: w = ${value}`;
  });
  svg.querySelectorAll("circle").forEach((node) => {
    const column = +node.dataset.column;
    const row = +node.dataset.row;
    const bias = column > 0 ? layers[column - 1].b[row] : null;
    node.firstChild.textContent = units[column][row] + (bias === null ? "" : `: bias = ${bias}`);
  });
}

function drawCounters(root, state) {
  const f = state.frame;
  if (!f) return;
  const last = state.history.length ? state.history[state.history.length - 1] : null;
  root.querySelector('[data-testid="live-epoch"]').textContent = f.epoch.toLocaleString("en-US");
  root.querySelector('[data-testid="live-train-loss"]').textContent = formatNumber(last && last[1], 3);
  root.querySelector('[data-testid="live-test-loss"]').textContent = formatNumber(last && last[2], 3);
  root.querySelector('[data-testid="live-test-acc"]').textContent =
    last && last[4] !== null ? `${(100 * last[4]).toFixed(1)} %` : "–";
  const perSecond = state.data.view === "images" ? f.sps.toLocaleString("en-US") : f.eps.toFixed(1);
  root.querySelector('[data-testid="live-eps"]').textContent = f.running ? perSecond : "paused";
  root.querySelector('[data-testid="live-eps"]').previousElementSibling.textContent =
    state.data.view === "images" ? "Images / s" : "Epochs / s";
  const extra = root.querySelector(".pg-extra");
  const counters = (state.pictures && state.pictures.counters) || [];
  while (extra.children.length > counters.length) extra.lastChild.remove();
  counters.forEach((counter, i) => {
    let box = extra.children[i];
    if (!box) {
      box = document.createElement("div");
      box.className = "pg-counter";
      box.innerHTML = '<span class="pg-label"></span><span class="pg-value"></span>';
      extra.append(box);
    }
    box.querySelector(".pg-label").textContent = counter.label;
    const value = box.querySelector(".pg-value");
    value.textContent = counter.value;
    value.dataset.testid = `live-${counter.label.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  });
  const message = root.querySelector('[data-testid="live-message"]');
  message.hidden = !f.message || f.message === state.data.shown_message; // the page already shows it
  message.textContent = f.message || "";
}

function drawLegend(root, data) {
  const legend = root.querySelector(".pg-legend");
  const parts = [];
  if (data.view === "regression") {
    legend.innerHTML = [
      '<span style="--swatch:#1f77b4">Training data</span>',
      '<span style="--swatch:#2ca02c">Testing data</span>',
      '<span style="--swatch:#d62728">Predictions</span>',
      '<span style="--swatch:#999">The true function (dashed)</span>',
    ].join("");
    return;
  }
  if (data.surface) {
    legend.innerHTML = [
      `<span class="pg-scale" style="--low:${data.colors[0]};--high:${data.colors[1]}">−1</span><span class="pg-scale-end">+1: the value, as the plane's colour</span>`,
      '<span class="pg-dot">train: filled</span>',
      data.show_test ? '<span class="pg-ring" style="--swatch:#666">test: rings</span>' : "",
    ].join("");
    return;
  }
  for (let c = 0; c < data.n_classes; c++) {
    parts.push(`<span style="--swatch:${data.colors[c]}">train: class ${c}</span>`);
  }
  if (data.show_test) {
    for (let c = 0; c < data.n_classes; c++) {
      parts.push(`<span class="pg-ring" style="--swatch:${data.colors[c]}">test: class ${c}</span>`);
    }
  }
  legend.innerHTML = parts.join("");
}

function redraw(root, state) {
  drawCounters(root, state);
  if (state.data.view === "regression") {
    drawRegression(root, state);
    drawLandscape(root, state);
  } else if (state.data.view === "images") {
    drawNeurons(root, state);
    window.__playgroundBoundaryDraws = (window.__playgroundBoundaryDraws || 0) + 1;
  } else {
    drawBoundary(root, state);
    drawNeurons(root, state);
    drawWeights(root, state);
  }
  drawCharts(root, state);
}

// ---- regression: the course's plot_predictions, and the loss landscape ----------------

function plotArea(canvas, ratio) {
  const left = 44 * ratio;
  const bottom = 30 * ratio;
  const top = 8 * ratio;
  const right = 16 * ratio; // room for half of the last x label
  return { left, top, width: canvas.width - left - right, height: canvas.height - top - bottom };
}

// Round tick values (1, 2 or 5 times a power of ten) inside [low, high], and how many decimals they need.
function niceTicks(low, high, count) {
  const raw = (high - low) / Math.max(count, 1);
  if (!(raw > 0) || !isFinite(raw)) return { values: [low], decimals: 2 };
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || 10 * power;
  const values = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { values, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

function tickText(value, decimals) {
  const text = value.toFixed(Math.min(decimals, 6));
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text; // never "-0.00"
}

function axes(ctx, area, ratio, xRange, yRange, xLabel, yLabel) {
  const toX = (x) => area.left + ((x - xRange[0]) / (xRange[1] - xRange[0])) * area.width;
  const toY = (y) => area.top + (1 - (y - yRange[0]) / (yRange[1] - yRange[0])) * area.height;
  ctx.strokeStyle = "#ccc";
  ctx.lineWidth = ratio;
  ctx.strokeRect(area.left, area.top, area.width, area.height);
  ctx.fillStyle = "#555";
  ctx.font = `${11 * ratio}px sans-serif`;
  const xs = niceTicks(xRange[0], xRange[1], 5);
  const ys = niceTicks(yRange[0], yRange[1], 5);
  ctx.textAlign = "center";
  for (const xv of xs.values) ctx.fillText(tickText(xv, xs.decimals), toX(xv), area.top + area.height + 13 * ratio);
  ctx.textAlign = "right";
  for (const yv of ys.values) ctx.fillText(tickText(yv, ys.decimals), area.left - 4 * ratio, toY(yv) + 4 * ratio);
  ctx.textAlign = "center";
  ctx.fillText(xLabel, area.left + area.width / 2, area.top + area.height + 26 * ratio);
  ctx.save();
  ctx.translate(10 * ratio, area.top + area.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  return { toX, toY };
}

function dots(ctx, points, map, colour, radius) {
  ctx.fillStyle = colour;
  for (const [x, y] of points) {
    ctx.beginPath();
    ctx.arc(map.toX(x), map.toY(y), radius, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function line(ctx, points, map, colour, width, dash) {
  if (!points || !points.length) return;
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash || []);
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(map.toX(x), map.toY(y)) : ctx.moveTo(map.toX(x), map.toY(y))));
  ctx.stroke();
  ctx.setLineDash([]);
}

function drawRegression(root, state) {
  const canvas = root.querySelector(".pg-boundary");
  const ratio = sizeCanvas(canvas);
  const ctx = canvas.getContext("2d");
  const { data } = state;
  const pictures = state.pictures || {};
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const area = plotArea(canvas, ratio);
  const map = axes(ctx, area, ratio, data.x_range, data.y_range, "x", "y");
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left, area.top, area.width, area.height);
  ctx.clip();
  line(ctx, data.truth, map, "#999", 1.5 * ratio, [6 * ratio, 4 * ratio]);
  dots(ctx, data.points.train, map, "#1f77b4", 3.2 * ratio);
  dots(ctx, data.points.test, map, "#2ca02c", 3.2 * ratio);
  line(ctx, pictures.curve, map, "rgba(214, 39, 40, 0.55)", 2 * ratio);
  dots(ctx, pictures.test_predictions || [], map, "#d62728", 3.6 * ratio);
  ctx.restore();
  window.__playgroundBoundaryDraws = (window.__playgroundBoundaryDraws || 0) + 1;
  canvas.dataset.frame = String(state.frame ? state.frame.seq : 0);
}

function drawLandscape(root, state) {
  const canvas = root.querySelector(".pg-landscape");
  const box = root.querySelector(".pg-landscape-box");
  const landscape = (state.pictures || {}).landscape;
  box.classList.toggle("pg-hidden", !state.data.landscape);
  if (!state.data.landscape || !landscape) return;
  const ratio = sizeCanvas(canvas);
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const area = plotArea(canvas, ratio);
  if (state.landscapeImage) {
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(state.landscapeImage, area.left, area.top, area.width, area.height);
  }
  const map = axes(ctx, area, ratio, landscape.w, landscape.b, "weight", "bias");
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left, area.top, area.width, area.height);
  ctx.clip();
  for (const ghost of state.data.ghosts || []) {
    line(ctx, ghost.path, map, "rgba(60, 60, 60, 0.55)", 1.5 * ratio, [4 * ratio, 3 * ratio]);
    const start = ghost.path[0]; // labelled where it began: its end sits on the star
    if (start) {
      ctx.fillStyle = "#333";
      ctx.font = `${11 * ratio}px sans-serif`;
      ctx.textAlign = map.toX(start[0]) > area.left + area.width / 2 ? "right" : "left";
      const shift = ctx.textAlign === "right" ? -6 : 6;
      ctx.fillText(ghost.label, map.toX(start[0]) + shift * ratio, map.toY(start[1]) + 14 * ratio);
    }
  }
  const path = (state.pictures || {}).path || [];
  line(ctx, path, map, "#fff", 4 * ratio);
  line(ctx, path, map, "#d62728", 2 * ratio);
  if (path.length) {
    dots(ctx, [path[0]], map, "#333", 3.5 * ratio);
    dots(ctx, [path[path.length - 1]], map, "#d62728", 5 * ratio);
  }
  const [tw, tb] = state.data.truth_params;
  ctx.fillStyle = "#ffd400";
  ctx.strokeStyle = "#333";
  ctx.lineWidth = ratio;
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const r = (i % 2 ? 3.5 : 8) * ratio;
    const a = (Math.PI / 5) * i - Math.PI / 2;
    const x = map.toX(tw) + r * Math.cos(a);
    const y = map.toY(tb) + r * Math.sin(a);
    i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
  }
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

function decode(state, root, uri) {
  const image = new Image();
  image.onload = () => {
    const off = document.createElement("canvas");
    off.width = image.width;
    off.height = image.height;
    const ctx = off.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(image, 0, 0);
    state.decoded = ctx.getImageData(0, 0, image.width, image.height);
    state.pending = false;
    scheduleDraw(root, state);
  };
  image.src = uri;
}

function scheduleDraw(root, state) {
  if (state.drawQueued) return;
  state.drawQueued = true;
  requestAnimationFrame(() => {
    state.drawQueued = false;
    redraw(root, state);
  });
}

function connect(root, state) {
  if (state.source) state.source.close();
  state.history = [];
  state.frame = null;
  state.stream = state.data.stream;
  state.pictures = {};
  const source = new EventSource(state.data.stream);
  state.source = source;
  source.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.reset) state.history = [];
    for (const record of frame.records) state.history.push(record);
    state.frame = frame;
    Object.assign(state.pictures, frame.pictures); // the stream sends only pictures that changed
    const landscape = state.pictures.landscape;
    if (landscape && landscape.uri !== state.landscapeUri) {
      state.landscapeUri = landscape.uri;
      const image = new Image();
      image.onload = () => {
        state.landscapeImage = image;
        scheduleDraw(root, state);
      };
      image.src = landscape.uri;
    }
    if (state.pictures.boundary && state.pictures.boundary !== state.boundaryUri) {
      state.boundaryUri = state.pictures.boundary;
      decode(state, root, state.pictures.boundary);
    } else {
      scheduleDraw(root, state);
    }
    reportStopped(state);
  };
  source.addEventListener("gone", () => {
    source.close();
    const message = root.querySelector('[data-testid="live-message"]');
    message.hidden = false;
    message.textContent = "This training run has ended. Reload the page to start a new one.";
  });
}

// Training stopped by itself (a divergence, a budget, an idle tab) after the page last drew its buttons: let
// Python redraw them. Checked on every frame and on every render, as either may come first.
function reportStopped(state) {
  const frame = state.frame;
  if (!frame || !state.data.running || frame.running || state.reported === frame.seq) return;
  if (frame.seq <= (state.data.seq || 0)) return; // the page had already seen this frame
  state.reported = frame.seq;
  state.setTriggerValue("stopped", frame.seq);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".pg-live");
  const state = root.__playground || (root.__playground = {});
  state.data = data;
  state.setTriggerValue = setTriggerValue;
  if (state.closeTimer) {
    clearTimeout(state.closeTimer);
    state.closeTimer = null;
  }
  root.classList.toggle("pg-regression", data.view === "regression");
  root.classList.toggle("pg-images", data.view === "images");
  root.classList.toggle("pg-surface", Boolean(data.surface)); // regression on the plane: no accuracy
  root.classList.toggle("pg-stacked", Boolean(data.stacked)); // a narrow column: pictures above, charts below
  root.querySelector(".pg-neurons h4").textContent = data.sheets_title || "What each neuron sees";
  root.querySelector(".pg-neurons .pg-caption").hidden = data.view === "images";
  root.querySelector(".pg-output-title").textContent = data.view === "regression" ? "Predictions" : "Output";
  root.querySelector(".pg-boundary").setAttribute("aria-label", data.surface ? "Predicted value over the plane" : "Decision boundary");
  drawLegend(root, data);
  if (state.stream !== data.stream || !state.source) connect(root, state);
  else reportStopped(state);
  const compareStream = data.compare ? data.compare.stream : null;
  if (state.compareStream !== compareStream || (compareStream && !state.compareSource)) connectCompare(root, state);
  scheduleDraw(root, state);
  if (!state.resizeObserver) {
    state.resizeObserver = new ResizeObserver(() => scheduleDraw(root, state));
    state.resizeObserver.observe(root);
  }
  return () => {
    // Streamlit may unmount and remount with new data at once: close the stream only if it stays unmounted.
    state.closeTimer = setTimeout(() => {
      if (state.source) state.source.close();
      if (state.compareSource) state.compareSource.close();
      state.source = null;
      state.compareSource = null;
      state.stream = null;
      state.compareStream = null;
      if (state.resizeObserver) state.resizeObserver.disconnect();
      state.resizeObserver = null;
    }, 250);
  };
}
