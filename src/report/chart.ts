// A chart for training runs: a Vega-Lite spec built by line-chart.ts (loss / accuracy curves,
// gradient norms per timestep) or heatmap-chart.ts (hidden-state activations over time), with the
// data it was built from (what write-chart.ts saves as .json beside the .svg and .png), and the
// look every chart shares (font, sizes, grid).
import type { TopLevelSpec } from 'vega-lite';

export interface LineChartData {
  kind: 'line';
  title: string | null;
  xTitle: string;
  yTitle: string;
  logY: boolean;
  /** Each series' values; null where a value could not be drawn (NaN, ±Infinity, ≤ 0 on a log axis). */
  series: { name: string; group: string; style: string | null; x: number[]; y: (number | null)[] }[];
}

export interface HeatmapData {
  kind: 'heatmap';
  title: string | null;
  rowTitle: string;
  colTitle: string;
  rows: number;
  cols: number;
  /** values[r][c]; null where a value was not finite. */
  values: (number | null)[][];
}

export type ChartData = LineChartData | HeatmapData;

/** A chart ready to render: the Vega-Lite spec and the data it was built from. */
export interface Chart {
  spec: TopLevelSpec;
  data: ChartData;
}

/** The font of every chart (svgToPNG renders with it), and the Vega-Lite schema the specs declare. */
export const FONT = 'DejaVu Sans';
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** The Vega-Lite config every chart starts from. */
export function baseConfig() {
  return {
    font: FONT,
    view: { stroke: '#ddd' },
    axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
    title: { fontSize: 14 },
  };
}
