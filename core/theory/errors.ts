/** Raised when a theory-lab function gets input it cannot work with; the message says what to change. */
export class TheoryInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TheoryInputError';
  }
}

/** Raised when a matrix that must be positive (semi-)definite is not. */
export class NotPositiveSemidefiniteError extends TheoryInputError {
  readonly eigenvalues: readonly [number, number];
  constructor(message: string, eigenvalues: readonly [number, number]) {
    super(message);
    this.name = 'NotPositiveSemidefiniteError';
    this.eigenvalues = eigenvalues;
  }
}

export function assertPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TheoryInputError(`${name} must be a positive integer, got ${value}.`);
  }
}

export function assertNonNegativeInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new TheoryInputError(`${name} must be a non-negative integer, got ${value}.`);
  }
}

export function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new TheoryInputError(`${name} must be a finite number, got ${value}.`);
  }
}

export function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new TheoryInputError(`${name} must be a finite number ≥ 0, got ${value}.`);
  }
}
