// Option parsers shared by the sub-commands: each turns the text after a flag into a value or throws
// commander's InvalidArgumentError, which commander prints as
//   error: option '--epochs <n>' argument 'abc' is invalid. expected an integer ≥ 1
import { randomInt } from 'node:crypto';
import { InvalidArgumentError } from 'commander';

/** An integer within [min, max]. */
export function intArg(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(v)) {
      throw new InvalidArgumentError(`expected an integer${rangeText(min, max)}.`);
    }
    if (v < min || v > max) throw new InvalidArgumentError(`expected an integer${rangeText(min, max)}, got ${v}.`);
    return v;
  };
}

function rangeText(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER) return ` ≥ ${min}`;
  return ` from ${min} to ${max}`;
}

/** A seed: any integer from 0 to 2^32 − 1. */
export const seedArg = intArg(0, 0xffffffff);

/** A fresh seed for runs without --seed, printed so the run can be repeated. */
export function freshSeed(): number {
  return randomInt(0, 2 ** 31);
}

/** The recurrent cells the demos can build, by their tsrnn.layers factory name. */
export const CELLS = ['simpleRNN', 'lstm', 'gru'] as const;
export type CellName = (typeof CELLS)[number];

/** 'simpleRNN', 'SimpleRNN', 'simple_rnn', 'rnn', 'LSTM', 'GRU' ... → the factory name. */
export function cellArg(value: string): CellName {
  const key = value.trim().toLowerCase().replace(/[-_ ]/g, '');
  const map: Record<string, CellName> = { simplernn: 'simpleRNN', rnn: 'simpleRNN', lstm: 'lstm', gru: 'gru' };
  const cell = map[key];
  if (!cell) throw new InvalidArgumentError(`expected one of ${CELLS.join(', ')}.`);
  return cell;
}

/** Display names, as Keras prints the classes. */
export const CELL_CLASS: Record<CellName, string> = { simpleRNN: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };
