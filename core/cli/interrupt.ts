/**
 * Runs `fn` with a signal that the first Ctrl-C aborts, after telling the user what happens next (`stopping`);
 * a second Ctrl-C quits at once (exit 130).
 */
export async function cancellableBySigint<T>(stopping: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write(`\n${stopping} (Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
