// Writing charts to files: writeChart(chart, base) writes base.svg, base.png and base.json (the
// numbers behind the chart), each atomically (temp file + rename), so a reader never sees a
// half-written file. compactJSON and writeFileAtomic serve the other JSON files the CLI writes too.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderSVG, svgToPNG, toChart, type ChartInput } from './render-chart.js';

/** JSON with one level of indent per object, arrays of numbers (a series, a matrix row) on one line. */
export function compactJSON(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value);
    const inner = indent + ' ';
    return `[\n${value.map((v) => inner + compactJSON(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const inner = indent + ' ';
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJSON(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Writes a file so that readers see the old file or the new one, never part of it. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

export interface WriteChartOptions {
  /** PNG size as a multiple of the SVG size (default 2, sharp on high-density screens). */
  scale?: number;
}

export interface WrittenChart {
  svg: string;
  png: string;
  json: string;
}

/**
 * Renders a chart and writes `${basePath}.svg`, `${basePath}.png` and `${basePath}.json` (the chart's
 * data: series or matrix, with titles). Folders are created as needed. Returns the three paths.
 */
export async function writeChart(input: ChartInput, basePath: string, options: WriteChartOptions = {}): Promise<WrittenChart> {
  const chart = toChart(input);
  const svg = await renderSVG(chart);
  const png = svgToPNG(svg, options.scale ?? 2);
  const paths = { svg: `${basePath}.svg`, png: `${basePath}.png`, json: `${basePath}.json` };
  await writeFileAtomic(paths.json, compactJSON(chart.data) + '\n');
  await writeFileAtomic(paths.svg, svg);
  await writeFileAtomic(paths.png, png);
  return paths;
}
