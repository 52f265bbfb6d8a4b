/** The longest path the system opens, in bytes with its final NUL (PATH_MAX: 4,096 on Linux, 1,024 on macOS). */
export const PATH_MAX = process.platform === 'darwin' ? 1024 : 4096;

/** Characters kept at each end of a shortened path. */
const KEEP = 64;

/**
 * A path short enough to show: its first and last folders with `…` between them
 * (`a/b/…/y/z.png`), cut inside a name only when one name alone is too long.
 */
export function shortenPath(path: string): string {
  if (path.length <= 2 * KEEP + 3) return path;
  const parts = path.split('/');
  let head = parts[0];
  for (let i = 1; i < parts.length && head.length + 1 + parts[i].length <= KEEP; i++) head += `/${parts[i]}`;
  let tail = parts[parts.length - 1];
  for (let i = parts.length - 2; i > 0 && tail.length + 1 + parts[i].length <= KEEP; i--) tail = `${parts[i]}/${tail}`;
  return `${head.length > KEEP ? head.slice(0, KEEP) : head}/…/${tail.length > KEEP ? tail.slice(-KEEP) : tail}`;
}

/** Why an entry whose absolute path is `bytes` long, `depth` names below the root, was left out, for the user. */
export function pathTooLongReason(bytes: number, depth: number, folder: boolean): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `path is ${n(bytes)} bytes long (${n(depth)} names deep), over the system's limit of ${n(PATH_MAX)} (PATH_MAX); ` +
    (folder ? 'this folder and everything in it were not imported' : 'this file was not imported') +
    '; shorten the folder names or move it up'
  );
}
