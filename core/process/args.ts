/** The lab path given on the command line (`--lab FILE` or `--lab=FILE`), if any. */
export function labArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--lab' && argv[i + 1]) return argv[i + 1];
    if (a.startsWith('--lab=') && a.length > 6) return a.slice(6);
  }
  return undefined;
}
