// Errors a user can act on. ValueError: the input is wrong (shape, range, name); the message names it.
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** Something that is valid but not implemented (an option combination, a file feature). */
export class NotImplementedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotImplementedError';
  }
}
