import { UserError } from '../util/user-error.ts';
/** Base class of every error thrown by the neighbour engine. */
export class KnnError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A matrix or vector has the wrong shape, size or contents for the operation. */
export class ShapeError extends KnnError {}

/** A Mahalanobis matrix is not square, not symmetric or not positive semi-definite. */
export class MetricMatrixError extends KnnError {}

/** An argument (k, labels, options) is out of range or inconsistent. */
export class KnnArgumentError extends KnnError {}

/** A query expression could not be parsed; `column` is 1-based. */
export class QueryParseError extends KnnError {
  readonly column: number;
  constructor(message: string, column: number) {
    super(`${message} (column ${column})`);
    this.column = column;
  }
}

/** The approximate index could not be built, saved or loaded. */
export class AnnIndexError extends KnnError {}
