/** Checks of the Theory lab's number fields, with the bounds core accepts (THEORY_LIMITS), in plain words. */
import { formatCount } from '../../lib/format.ts';

export interface WholeNumberField {
  /** The field's name in the message: 'Points', 'K'. */
  label: string;
  min: number;
  max: number;
  /** What the maximum is, when it is another field: '(n)'. */
  maxIs?: string;
}

/** Why `value` cannot be used for the field, as a sentence; null when it can. */
export function wholeNumberProblem(value: number | null | undefined, f: WholeNumberField): string | null {
  const max = `${formatCount(f.max)}${f.maxIs ? ` ${f.maxIs}` : ''}`;
  if (value === null || value === undefined || !Number.isInteger(value)) {
    return `${f.label} must be a whole number from ${formatCount(f.min)} to ${max}.`;
  }
  if (value < f.min) return `${f.label} must be at least ${formatCount(f.min)}.`;
  if (value > f.max) return `${f.label} can be at most ${max}.`;
  return null;
}
