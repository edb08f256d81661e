// Keras-style progress output for fit(verbose=1|2), with no dependencies so it runs in browsers:
//   Epoch 3/100
//   1/1 [==============================] - 0s 2ms/step - loss: 0.1234 - accuracy: 0.0000e+00
// On a terminal the bar redraws in place; elsewhere (pipes, browsers) one line per epoch is printed.
import { Callback, Logs } from './callbacks.js';

type Sink = { write(s: string): void; isTTY: boolean };

function defaultSink(): Sink {
  const proc = (globalThis as { process?: { stdout?: { write(s: string): boolean; isTTY?: boolean } } }).process;
  if (proc?.stdout?.write) {
    const out = proc.stdout;
    return { write: (s) => void out.write(s), isTTY: !!out.isTTY };
  }
  let line = '';
  return {
    write: (s) => {
      line += s;
      const parts = line.split('\n');
      line = parts.pop()!;
      for (const p of parts) console.log(p.replace(/^\r/, ''));
    },
    isTTY: false,
  };
}

/** Keras's number format in progress lines: 4 decimals, or scientific below 1e-3. */
export function formatLogValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) > 1e-3 ? v.toFixed(4) : v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatDuration(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  return `${Math.round(seconds)}s`;
}

function perStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

function logsText(logs: Logs, keys: string[]): string {
  return keys.filter((k) => logs[k] !== undefined).map((k) => ` - ${k}: ${formatLogValue(logs[k])}`).join('');
}

export class ProgbarLogger extends Callback {
  private sink: Sink;
  private epochStart = 0;
  private lastDraw = 0;
  private steps = 0;
  private epochs = 0;
  private running: Record<string, { sum: number; n: number }> = {};

  constructor(readonly verbose: 1 | 2, sink?: Sink) {
    super();
    this.sink = sink ?? defaultSink();
  }

  onTrainBegin(): void {
    this.steps = this.params?.steps ?? 0;
    this.epochs = this.params?.epochs ?? 0;
  }

  onEpochBegin(epoch: number): void {
    this.sink.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
    this.epochStart = now();
    this.lastDraw = 0;
    this.running = {};
  }

  onBatchEnd(batch: number, logs: Logs = {}): void {
    if (this.verbose !== 1 || !this.sink.isTTY) return;
    const size = logs.size ?? 1;
    for (const [k, v] of Object.entries(logs)) {
      if (k === 'batch' || k === 'size') continue;
      const r = (this.running[k] ??= { sum: 0, n: 0 });
      r.sum += v * size;
      r.n += size;
    }
    const t = now();
    if (t - this.lastDraw < 100 && batch + 1 < this.steps) return;
    this.lastDraw = t;
    const avg: Logs = {};
    for (const [k, r] of Object.entries(this.running)) avg[k] = r.sum / r.n;
    const elapsed = (t - this.epochStart) / 1000;
    const done = batch + 1;
    const eta = (elapsed / done) * (this.steps - done);
    this.sink.write(`\r${this.bar(done)} - ETA: ${formatDuration(eta)}${logsText(avg, Object.keys(avg))}\x1b[K`);
  }

  onEpochEnd(_epoch: number, logs: Logs = {}): void {
    const elapsed = (now() - this.epochStart) / 1000;
    const keys = Object.keys(logs);
    if (this.verbose === 1) {
      this.sink.write(`${this.sink.isTTY ? '\r' : ''}${this.bar(this.steps)} - ${formatDuration(elapsed)} ${perStep(elapsed / Math.max(1, this.steps))}${logsText(logs, keys)}${this.sink.isTTY ? '\x1b[K' : ''}\n`);
    } else {
      this.sink.write(`${this.steps}/${this.steps} - ${formatDuration(elapsed)} - ${perStep(elapsed / Math.max(1, this.steps))}${logsText(logs, keys)}\n`);
    }
  }

  private bar(done: number): string {
    const width = 30;
    const w = String(this.steps).length;
    const filled = this.steps ? Math.floor((width * done) / this.steps) : width;
    const body = done >= this.steps ? '='.repeat(width) : '='.repeat(Math.max(0, filled - 1)) + '>' + '.'.repeat(width - Math.max(1, filled));
    return `${String(done).padStart(w)}/${this.steps} [${body}]`;
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
