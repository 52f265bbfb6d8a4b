import { z } from 'zod';
import { UserError } from '../util/user-error.ts';

/** An error the user can act on: printed as one line (or one JSON object) with a non-zero exit. */
export class CliError extends UserError {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Options every command takes. */
export const commonOptions = z.object({
  lab: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

/** Validates commander's parsed options against a schema; the message names the bad option. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue.path.map((p) => `--${String(p).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(' ');
    throw new CliError(`${name ? `${name}: ` : ''}${issue.message}`);
  }
  return result.data;
}

/** A number option, read from its command-line text. */
export const numberArg = (label: string) =>
  z.coerce.number({ message: `${label} must be a number` }).refine(Number.isFinite, `${label} must be a number`);

/** One JSON object on stdout (for --json). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
