import { UserError } from '../util/user-error.ts';
/** A lab file that cannot be opened as a Nearlab lab. Nothing was written to it. */
export class LabOpenError extends UserError {
  override readonly name = 'LabOpenError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}
