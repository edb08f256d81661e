// model.summary(): the Keras table  Layer (type) | Output Shape | Param #  with totals.
import { Layer, Shape, shapeToString } from '../layers/layer.js';

export interface SummaryRow {
  layer: Layer;
  outputShape: Shape;
}

/** Keras's print_summary layout: positions are fractions of lineLength where columns end. */
export function formatSummary(
  modelName: string, rows: SummaryRow[], lineLength = 65, positions = [0.45, 0.85, 1],
): string[] {
  const ends = positions.map((p) => (p <= 1 ? Math.floor(lineLength * p) : p));
  const row = (cells: string[]) => {
    let line = '';
    cells.forEach((c, i) => {
      line += c;
      line = line.slice(0, ends[i] - 1).padEnd(ends[i]);
    });
    return line;
  };
  const lines: string[] = [];
  lines.push(`Model: "${modelName}"`);
  lines.push('_'.repeat(lineLength));
  lines.push(row([' Layer (type)', 'Output Shape', 'Param #']));
  lines.push('='.repeat(lineLength));
  let total = 0;
  let trainable = 0;
  rows.forEach(({ layer, outputShape }, i) => {
    const n = layer.countParams();
    total += n;
    for (const w of layer.weights) if (w.trainable) trainable += w.size;
    lines.push(row([` ${layer.name} (${layer.className})`, shapeToString(outputShape), String(n)]));
    if (i < rows.length - 1) lines.push(' '.repeat(lineLength));
  });
  lines.push('='.repeat(lineLength));
  lines.push(`Total params: ${total.toLocaleString('en-US')}`);
  lines.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`);
  lines.push('_'.repeat(lineLength));
  return lines;
}
