/**
 * An error caused by the user's input, files or lab rather than by a bug: its message says what to change.
 * The CLI prints such errors as one line (exit 1) and the API reports them by name; anything else is a bug.
 * It lives apart from the modules that throw it so that catching it loads none of them.
 */
export class UserError extends Error {}
