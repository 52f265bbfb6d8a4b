/** A message for the user from whatever a call threw. */
export function errorMessage(e: unknown): string {
  const message = e instanceof Error ? e.message || e.name : String(e);
  return plainRefusal(message) ?? message;
}

/** One refused parameter of zod's pretty report ('Too big: expected number to be <=2000') in plain words. */
function plainReason(reason: string, path: string | undefined): string {
  const what = path ?? 'a setting';
  const bound = /^Too (big|small): expected \w+ to (?:be|have) [<>]=?(.+)$/.exec(reason);
  if (bound) return `${what} must be at ${bound[1] === 'big' ? 'most' : 'least'} ${bound[2]}`;
  const type = /^Invalid input: expected (\w+)/.exec(reason);
  if (type) return `${what} must be ${type[1] === 'int' ? 'a whole number' : `a ${type[1]}`}`;
  const option = /^Invalid option: expected one of (.+)$/.exec(reason);
  if (option) return `${what} must be one of ${option[1].replaceAll('|', ', ')}`;
  return `${what}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
}

/**
 * Core's refusal of a request's parameters ('method: ✖ reason\n  → at path' per problem, zod's pretty form)
 * in plain words, or null for any other message. The views check their fields first; this is for what slips by.
 */
function plainRefusal(message: string): string | null {
  if (!message.includes('✖')) return null;
  const problems = [...message.matchAll(/✖ ([^\n]+)(?:\n\s*→ at ([^\n]+))?/g)].map(([, reason, path]) =>
    plainReason(reason.trim(), path?.trim()),
  );
  return `Nearlab refused these settings: ${problems.join('; ')}.`;
}
