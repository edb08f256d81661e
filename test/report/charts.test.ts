import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heatmapChart, hiddenStateHeatmap } from '../../src/report/heatmap-chart.js';
import { historyChart, lineChart } from '../../src/report/line-chart.js';
import { renderSVG, svgToPNG } from '../../src/report/render-chart.js';
import { compactJSON, writeChart } from '../../src/report/write-chart.js';
import { ValueError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor.js';

// A small XML well-formedness check (no DOM parser in Node): every tag closes in order, attributes are quoted.
function assertWellFormedXML(xml: string): void {
  const stack: string[] = [];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<|&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/g;
  let m: RegExpExecArray | null;
  let roots = 0;
  while ((m = re.exec(xml))) {
    if (m[0] === '<') assert.fail(`stray '<' or malformed tag at ${m.index}: ${xml.slice(m.index, m.index + 80)}`);
    if (m[0] === '&') assert.fail(`unescaped '&' at ${m.index}`);
    if (!m[2]) continue;
    const [, close, name, , self] = m;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong element at ${m.index}`);
    else if (!self) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'one root element');
}

function svgSize(svg: string): [number, number] {
  const m = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  assert.ok(m, 'the svg element has width and height');
  return [Number(m![1]), Number(m![2])];
}

/** Each line mark: its series (from vega's aria-label) and the number of vertices in its path. */
function lineMarks(svg: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="line mark"[^>]*\sd="([^"]*)"/g)) {
    const series = /series: ([^;]*)/.exec(m[1])![1];
    out.set(series, (m[2].match(/[ML]/g) ?? []).length);
  }
  return out;
}

function pngInfo(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(Buffer.from(png.subarray(12, 16)).toString('ascii'), 'IHDR');
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

test('lineChart data: x from xStart, gaps for NaN/Infinity, and for values ≤ 0 on a log axis', () => {
  const c = lineChart({ a: [1, NaN, 3], b: new Float32Array([0.5, 0, -1]) }, { logY: true });
  assert.equal(c.data.kind, 'line');
  if (c.data.kind !== 'line') return;
  assert.deepEqual(c.data.series.map((s) => s.name), ['a', 'b']);
  assert.deepEqual(c.data.series[0].x, [1, 2, 3]);
  assert.deepEqual(c.data.series[0].y, [1, null, 3]);
  assert.deepEqual(c.data.series[1].y, [0.5, null, null]);
  const lin = lineChart([{ name: 'g', y: [0, -2, Infinity], x: [0, 5, 10] }]);
  if (lin.data.kind !== 'line') return;
  assert.deepEqual(lin.data.series[0].y, [0, -2, null]);
  assert.deepEqual(lin.data.series[0].x, [0, 5, 10]);
  // the spec carries exactly the drawable points
  const values = (lin.spec as unknown as { data: { values: unknown[] } }).data.values;
  assert.deepEqual(values, [
    { series: 'g', group: 'g', style: '', x: 0, y: 0 },
    { series: 'g', group: 'g', style: '', x: 5, y: -2 },
  ]);
  assert.equal((lineChart({ a: [1] }, { logY: true }).spec as any).encoding.y.scale.type, 'log');
  // whole-number x (epochs, timesteps): ticks only at whole numbers, 1/2/5 × 10^k apart
  const ticks = (n: number, xStart?: number) => (lineChart({ a: new Array(n).fill(1) }, { xStart }).spec as any).encoding.x.axis.values;
  assert.deepEqual(ticks(3), [1, 2, 3]);
  assert.deepEqual(ticks(12), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(ticks(20), [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
  assert.deepEqual(ticks(100), [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  assert.deepEqual(ticks(100, 0), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  assert.deepEqual((lineChart({ a: [1, 2] }, { xStart: 0.5 }).spec as any).encoding.x.axis, {});
});

test('lineChart: bad input is a ValueError naming the problem', () => {
  assert.throws(() => lineChart([]), (e: Error) => e instanceof ValueError && /no series/.test(e.message));
  assert.throws(() => lineChart([{ name: 'a', y: [1] }, { name: 'a', y: [2] }]), /two series are named 'a'/);
  assert.throws(() => lineChart([{ name: 'a', y: [1, 2], x: [1] }]), /'a' has 2 y values but 1 x values/);
  assert.throws(() => historyChart({ loss: [1] }, { metrics: ['accuracy'] }), /no 'accuracy' in the history \(it has loss\)/);
  assert.throws(() => heatmapChart([[1, 2], [3]]), /row 1 has 1 values, row 0 has 2/);
  assert.throws(() => heatmapChart({ values: [1, 2, 3], rows: 2, cols: 2 }), /3 values do not fill 2 rows × 2 columns/);
  assert.throws(() => hiddenStateHeatmap(new Tensor(new Float32Array(6), [1, 2, 3]), 1), /sample 1 is out of range for a batch of 1/);
  assert.throws(() => hiddenStateHeatmap(new Tensor(new Float32Array(6), [6])), /expected hidden states of shape/);
});

test('historyChart: metric and val_metric share a colour, validation is dashed', () => {
  const h = { history: { loss: [0.5, 0.25], val_loss: [0.6, 0.3], accuracy: [0, 0.5], val_accuracy: [0, 1] } };
  const c = historyChart(h, { metrics: ['loss'] });
  if (c.data.kind !== 'line') assert.fail('line chart');
  assert.deepEqual(c.data.series.map((s) => [s.name, s.group, s.style]), [['loss', 'loss', 'train'], ['val_loss', 'loss', 'validation']]);
  assert.equal(c.data.yTitle, 'loss');
  const all = historyChart(h);
  if (all.data.kind !== 'line') assert.fail('line chart');
  assert.deepEqual(all.data.series.map((s) => s.name), ['loss', 'val_loss', 'accuracy', 'val_accuracy']);
  const dash = (all.spec as any).encoding.strokeDash;
  assert.deepEqual(dash.scale.domain, ['train', 'validation']);
  assert.deepEqual(dash.scale.range[0], [1, 0]);
  assert.notDeepEqual(dash.scale.range[1], [1, 0]);
});

test('renderSVG + svgToPNG: well-formed SVG with one line per series and every point; PNG of the SVG size × scale', async () => {
  const loss = Array.from({ length: 12 }, (_, i) => 0.5 * Math.exp(-i / 3));
  const val = loss.map((v) => v * 1.3);
  const svg = await renderSVG(historyChart({ loss, val_loss: val }, { metrics: ['loss'], logY: true, title: 'Curves' }));
  assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
  assertWellFormedXML(svg);
  const marks = lineMarks(svg);
  assert.deepEqual([...marks.keys()].sort(), ['loss', 'val_loss']);
  assert.equal(marks.get('loss'), 12);
  assert.equal(marks.get('val_loss'), 12);
  assert.match(svg, />Curves<\/text>/);
  assert.match(svg, />train<\/text>/);
  assert.match(svg, />validation<\/text>/);
  assert.match(svg, /font-family="DejaVu Sans"/);
  // log axis: a tick label in scientific notation
  assert.match(svg, />1\.0e-1<\/text>/);
  const [w, h] = svgSize(svg);
  assert.ok(w > 560 && h > 320, `plot plus axes: ${w}×${h}`);
  assert.deepEqual(pngInfo(svgToPNG(svg)), { width: w, height: h });
  assert.deepEqual(pngInfo(svgToPNG(svg, 2)), { width: 2 * w, height: 2 * h });
  assert.throws(() => svgToPNG(svg, 0), /scale must be in \(0, 8\]/);
});

test('writeChart: svg, png and json side by side, folders created, no temp files left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-charts-'));
  try {
    const base = join(dir, 'nested', 'deeper', 'grad');
    // gradient-flow style: x = timestep, two series, log axis
    const steps = Array.from({ length: 20 }, (_, t) => t);
    const chart = lineChart(
      [
        { name: 'SimpleRNN', y: steps.map((t) => 10 ** (-t / 4)), x: steps },
        { name: 'LSTM', y: steps.map((t) => 10 ** (-t / 40)), x: steps },
      ],
      { logY: true, xTitle: 'timestep', yTitle: '‖∂loss/∂h_t‖' },
    );
    const paths = await writeChart(chart, base);
    assert.deepEqual(paths, { svg: base + '.svg', png: base + '.png', json: base + '.json' });
    assert.deepEqual(readdirSync(join(dir, 'nested', 'deeper')).sort(), ['grad.json', 'grad.png', 'grad.svg']);
    const svg = readFileSync(paths.svg, 'utf8');
    assertWellFormedXML(svg);
    assert.deepEqual(lineMarks(svg), new Map([['SimpleRNN', 20], ['LSTM', 20]]));
    const [w, h] = svgSize(svg);
    assert.deepEqual(pngInfo(readFileSync(paths.png)), { width: 2 * w, height: 2 * h }); // default scale 2
    const json = JSON.parse(readFileSync(paths.json, 'utf8'));
    assert.deepEqual(json, JSON.parse(JSON.stringify(chart.data)));
    assert.equal(json.series[0].y[4], 0.1);
    assert.deepEqual(json.series[1].x, steps);
    assert.equal(json.xTitle, 'timestep');
    assert.equal(json.logY, true);
    // plain {name: values} data also works, and rewriting replaces the files
    await writeChart({ loss: [3, 2, 1] }, base, { scale: 1 });
    assert.deepEqual(JSON.parse(readFileSync(paths.json, 'utf8')).series[0].y, [3, 2, 1]);
    assert.deepEqual(pngInfo(readFileSync(paths.png)), { width: svgSize(readFileSync(paths.svg, 'utf8'))[0], height: svgSize(readFileSync(paths.svg, 'utf8'))[1] });
    assert.deepEqual(readdirSync(join(dir, 'nested', 'deeper')).sort(), ['grad.json', 'grad.png', 'grad.svg']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hiddenStateHeatmap: rows = units, columns = timesteps; one rect per cell; JSON holds the matrix', async () => {
  // h (B=2, T=5, U=3): h[b,t,u] = b + t/10 - u/100 (sample 1 is picked)
  const B = 2, T = 5, U = 3;
  const h = new Float32Array(B * T * U);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let u = 0; u < U; u++) h[(b * T + t) * U + u] = b + t / 10 - u / 100;
  const c = hiddenStateHeatmap(new Tensor(h, [B, T, U]), 1, { title: 'H' });
  if (c.data.kind !== 'heatmap') assert.fail('heatmap');
  assert.equal(c.data.rows, U);
  assert.equal(c.data.cols, T);
  for (let u = 0; u < U; u++) for (let t = 0; t < T; t++) assert.equal(c.data.values[u][t], Math.fround(1 + t / 10 - u / 100));
  // all ≥ 0: the colour domain is [min, max]
  assert.deepEqual((c.spec as any).encoding.color.scale.domain, [Math.fround(1 - 0.02), Math.fround(1.4)]);
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-heat-'));
  try {
    const p = await writeChart(c, join(dir, 'hidden'), { scale: 1 });
    const svg = readFileSync(p.svg, 'utf8');
    assertWellFormedXML(svg);
    const cells = svg.match(/<g class="mark-rect role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/);
    assert.ok(cells, 'a rect mark group');
    assert.equal((cells![1].match(/<path /g) ?? []).length, U * T);
    assert.deepEqual(JSON.parse(readFileSync(p.json, 'utf8')).values, c.data.values);
    const [w, hh] = svgSize(svg);
    assert.deepEqual(pngInfo(readFileSync(p.png)), { width: w, height: hh });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // signed values: a symmetric domain around 0; non-finite cells are left out (null in the data)
  const s = heatmapChart([[-0.5, 0.25], [NaN, 0.1]]);
  if (s.data.kind !== 'heatmap') assert.fail('heatmap');
  assert.deepEqual((s.spec as any).encoding.color.scale.domain, [-0.5, 0.5]);
  assert.deepEqual(s.data.values, [[-0.5, 0.25], [null, 0.1]]);
  assert.equal((s.spec as any).data.values.length, 3);
});

test('compactJSON: numeric arrays on one line, parses back to the same value', () => {
  const v = { a: [1, 2, null], b: { c: 'x', d: [[1, 2], [3, 4]] }, e: [], f: {} };
  const text = compactJSON(v);
  assert.deepEqual(JSON.parse(text), v);
  assert.match(text, /"a": \[1,2,null\]/);
  assert.match(text, /\n {3}\[1,2\],\n {3}\[3,4\]\n/);
});
