// Rendering a chart without a browser: Vega-Lite → Vega → SVG (vega's headless View, renderer 'none')
// → PNG (@resvg/resvg-js, with the system fonts).
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ValueError } from '../errors.js';
import { FONT, type Chart, type ChartData } from './chart.js';
import { lineChart, type Series } from './line-chart.js';

function isChart(x: unknown): x is Chart {
  return typeof x === 'object' && x !== null && 'spec' in x && 'data' in x && !Array.isArray(x);
}
function isVegaLiteSpec(x: unknown): x is TopLevelSpec {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  return '$schema' in o || 'mark' in o || 'layer' in o || 'concat' in o || 'hconcat' in o || 'vconcat' in o || 'facet' in o || 'repeat' in o;
}

/** What writeChart and renderSVG take: a Chart, a Vega-Lite spec, or line data (Series[] or {name: values}). */
export type ChartInput = Chart | TopLevelSpec | Series[] | Record<string, ArrayLike<number>>;

/** The input as a Chart: a Chart as is, a spec with its inline data, line data as lineChart draws it. */
export function toChart(input: ChartInput): Chart {
  if (isChart(input)) return input;
  if (isVegaLiteSpec(input)) {
    const d = (input as { data?: { values?: unknown } }).data;
    return { spec: input, data: (d?.values ?? null) as unknown as ChartData };
  }
  return lineChart(input as Series[] | Record<string, ArrayLike<number>>);
}

/** The chart as an SVG document (Vega's headless renderer; text is measured by estimate, no canvas). */
export async function renderSVG(input: ChartInput): Promise<string> {
  const chart = toChart(input);
  const vgSpec = compile(chart.spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG bytes, `scale` × its own size, with the system fonts (DejaVu Sans). */
export function svgToPNG(svg: string, scale = 1): Uint8Array {
  if (!(scale > 0 && scale <= 8)) throw new ValueError(`svgToPNG: scale must be in (0, 8], got ${scale}`);
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
    background: 'white',
  });
  return resvg.render().asPng();
}
