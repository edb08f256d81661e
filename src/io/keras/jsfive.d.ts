// The part of jsfive 0.4.2 (a pure-JS HDF5 reader, no types of its own) that tsrnn uses. Only
// src/io/keras/hdf5.ts imports it; everything else sees hdf5.ts's typed wrapper.
// jsfive throws strings as well as Errors, and reads lazily: any property below may throw.
declare module 'jsfive' {
  export class Group {
    /** Full path, '/' for the file. */
    readonly name: string;
    /** Names of the links (children) in this group. */
    readonly keys: string[];
    /** Attributes: numbers, strings (fixed-length ones NUL-padded), or arrays of them. */
    readonly attrs: Record<string, unknown>;
    /** A child by relative or absolute path; throws when a part is missing. */
    get(path: string): Group | Dataset | null;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    /** numpy-style, e.g. '<f4', '<i8'; other forms for compound and string types. */
    readonly dtype: unknown;
    /** The values, flat, row-major (an Array or typed array of numbers, or bigints for 64-bit ints). */
    readonly value: unknown;
    readonly attrs: Record<string, unknown>;
  }
}
