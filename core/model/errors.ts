import { UserError } from '../util/user-error.ts';

/** Training data that cannot work (too few pairs); the message says what to import. */
export class TrainingDataError extends UserError {
  override readonly name = 'TrainingDataError';
}

/** An evaluation the lab's data cannot support (e.g. an empty split); the message says what is missing. */
export class EvaluationDataError extends UserError {
  override readonly name = 'EvaluationDataError';
}

/** Training diverged or failed in a way the user can address. */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
}
