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

/** The help of every command's --lab option. */
export const LAB_HELP = 'lab file (default: $NEARLAB_LAB or the lab in your data folder)';

/** An item id as typed on the command line. */
export function itemIdArg(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0)
    throw new CliError(`an item id is a whole number above 0, not ${JSON.stringify(text)}`);
  return id;
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
