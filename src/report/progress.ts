// A terminal progress bar for long training runs (cli-progress), used as a fit callback with
// verbose 0 in place of Keras's per-epoch lines:
//   lstm  epoch  3/20 [███████████░░░░░░░░░░░░░░░░░░░]  24/64  loss 0.04712  eta 3s
// The bar redraws in place within an epoch (batch by batch, with the running mean loss) and, when the
// epoch ends, leaves one summary line with the epoch's logs (loss, val_loss, ...) and its time.
// Where the stream is not a terminal (pipes, CI logs) no bar is drawn; the epoch lines still are.
import cliProgress from 'cli-progress';
import type { CallbackHooks, Logs, TrainingParams } from '../model/callbacks.js';

export interface ProgressBarOptions {
  /** Shown before each bar and epoch line, e.g. the cell name when several models train in one run. */
  label?: string;
  /** Where the bar is drawn (default process.stderr, so stdout stays clean for results). */
  stream?: NodeJS.WriteStream;
  /** Receives the epoch summary lines (default console.log); null prints none. */
  printFn?: ((line: string) => void) | null;
  /** Print a line every this many epochs (default 1); the last epoch always prints. */
  printEvery?: number;
  /** Batch logs shown in the bar (default ['loss']); each is a running mean over the epoch's batches. */
  metrics?: string[];
  /** Redraws per second at most (default 10). */
  fps?: number;
}

/** Keras's number style: 4 significant decimals, scientific below 1e-3. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3);
}

function formatSeconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return s >= 10 ? `${Math.round(s)}s` : `${s.toFixed(1)}s`;
}

/**
 * A fit callback that draws a per-epoch progress bar. Pass it with verbose 0:
 *   await model.fit(x, y, { epochs: 20, verbose: 0, callbacks: [progressBar({ label: 'lstm' })] });
 */
export class ProgressBar implements CallbackHooks {
  readonly label: string;
  private readonly stream: NodeJS.WriteStream;
  private readonly printFn: ((line: string) => void) | null;
  private readonly printEvery: number;
  private readonly metrics: string[];
  private readonly fps: number;
  private bar: cliProgress.SingleBar | null = null;
  private epochs = 0;
  private steps = 0;
  private epochStart = 0;
  private trainStart = 0;
  private running: Record<string, { sum: number; n: number }> = {};
  /** The lines printed at epoch ends (also handed to printFn). */
  readonly lines: string[] = [];

  constructor(options: ProgressBarOptions = {}) {
    this.label = options.label ?? '';
    this.stream = options.stream ?? process.stderr;
    this.printFn = options.printFn === undefined ? (l) => console.log(l) : options.printFn;
    this.printEvery = Math.max(1, Math.floor(options.printEvery ?? 1));
    this.metrics = options.metrics ?? ['loss'];
    this.fps = options.fps ?? 10;
  }

  setParams(params: Partial<TrainingParams>): void {
    this.epochs = params.epochs ?? 0;
    this.steps = params.steps ?? 0;
  }

  onTrainBegin(): void {
    this.trainStart = performance.now();
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.running = {};
    const w = String(this.epochs || epoch + 1).length;
    const head = `${this.label ? this.label + '  ' : ''}epoch ${String(epoch + 1).padStart(w)}/${this.epochs || '?'}`;
    const metricFields = this.metrics.map((m) => `${m} {${m}}`).join('  ');
    this.bar?.stop();
    this.bar = new cliProgress.SingleBar(
      {
        format: `${head} {bar} {value}/{total}  ${metricFields}  eta {eta_formatted}`,
        stream: this.stream,
        hideCursor: true,
        clearOnComplete: true,
        stopOnComplete: false,
        barsize: 30,
        fps: this.fps,
        etaBuffer: 20,
        linewrap: false,
        noTTYOutput: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(1, this.steps), 0, Object.fromEntries(this.metrics.map((m) => [m, '-'])));
  }

  onBatchEnd(batch: number, logs: Logs = {}): void {
    const size = logs.size ?? 1;
    for (const m of this.metrics) {
      const v = logs[m];
      if (v === undefined) continue;
      const r = (this.running[m] ??= { sum: 0, n: 0 });
      r.sum += v * size;
      r.n += size;
    }
    if (!this.bar) return;
    // fit may not have said how many steps an epoch has: grow the total as batches arrive
    if (batch + 1 > this.bar.getTotal()) this.bar.setTotal(batch + 1);
    const payload: Record<string, string> = {};
    for (const m of this.metrics) payload[m] = this.running[m] ? formatValue(this.running[m].sum / this.running[m].n) : '-';
    this.bar.update(batch + 1, payload);
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.bar?.stop();
    this.bar = null;
    const last = this.epochs > 0 && epoch + 1 === this.epochs;
    if ((epoch + 1) % this.printEvery !== 0 && !last) return;
    const seconds = (performance.now() - this.epochStart) / 1000;
    const w = String(this.epochs || epoch + 1).length;
    const values = Object.entries(logs)
      .filter(([k]) => k !== 'batch' && k !== 'size')
      .map(([k, v]) => `${k} ${formatValue(v)}`)
      .join('  ');
    const line = `${this.label ? this.label + '  ' : ''}epoch ${String(epoch + 1).padStart(w)}/${this.epochs || '?'}  ${formatSeconds(seconds)}  ${values}`;
    this.lines.push(line);
    this.printFn?.(line);
  }

  onTrainEnd(): void {
    this.bar?.stop();
    this.bar = null;
  }

  /** Seconds since training began. */
  get elapsed(): number {
    return (performance.now() - this.trainStart) / 1000;
  }
}

export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  return new ProgressBar(options);
}
