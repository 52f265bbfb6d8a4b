import type { Progress } from '../api/types.ts';

function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--:--';
  const total = Math.round(s);
  const m = Math.floor(total / 60);
  const sec = total % 60;
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}

/** One line: `images [#####-----] 120/300  85.2/s  ETA 0:02`. */
export function formatProgress(p: Progress, width = 24, unit = '/s'): string {
  if (p.total <= 0) return `${p.phase}…`;
  const filled = Math.round((p.done / p.total) * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  return `${p.phase} [${bar}] ${p.done}/${p.total}  ${p.rate.toFixed(1)}${unit}  ETA ${formatSeconds(p.etaSeconds)}`;
}

/** Redraws a progress line on stderr when it is a terminal; prints nothing otherwise. */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): {
  update: (p: Progress) => void;
  done: () => void;
} {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      if (!stream.isTTY) return;
      const now = Date.now();
      if (now - last < 100 && p.done < p.total) return;
      last = now;
      drawn = true;
      stream.write(`\r\x1b[2K${formatProgress(p)}`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
