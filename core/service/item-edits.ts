import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ApiHandlers, ItemDetail } from '../api/contract.ts';
import { ApiError } from '../api/rpc.ts';
import type { Db } from '../store/lab.ts';
import { itemHistory } from '../store/item-edit-log.ts';
import { editItem, undoLastEdit } from '../store/item-edits.ts';
import { FolderNotFoundError, removeFolder, removeItems } from '../store/item-removal.ts';
import { itemDetail } from '../store/items.ts';
import { LabReadOnlyError, tryLockLab } from '../store/job-lock.ts';
import type { ServiceContext } from './context.ts';
import { embedWhenBehind } from './embedding.ts';

export type ItemEditApi = Pick<
  ApiHandlers,
  'editItem' | 'removeItems' | 'removeFolder' | 'itemHistory' | 'undoItemEdit'
>;

/** An item with its history; an unknown id is a not-found refusal. */
export function fullItemDetail(db: Db, id: number): ItemDetail {
  const detail = itemDetail(db, id);
  if (!detail) throw new ApiError('not-found', `no item ${id} in this lab`);
  return { ...detail, history: itemHistory(db, id) };
}

/**
 * Runs a removal while no job works on the lab: an import of the folder, a training run reading its items or an
 * embed job would see them vanish. Refused, naming the job, while one of this service runs or another process
 * holds the lab's job lock. A lock this process holds outside the job manager is the caller's own: the CLI takes
 * it (waiting for other jobs) before it calls.
 */
export function whileNoJobRuns<T>(ctx: ServiceContext, title: string, fn: () => T): T {
  const running = ctx.jobs.list().find((j) => j.status === 'running');
  if (running) throw busy(title, `the job "${running.title}"`);
  const taken = tryLockLab(ctx.lab, { kind: 'remove', title });
  if ('holder' in taken) {
    const { holder } = taken;
    if (holder.pid === process.pid && holder.host === hostname()) return fn();
    throw busy(title, `${holder.title} (pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`})`);
  }
  try {
    return fn();
  } finally {
    taken.lock.release();
  }
}

/**
 * Removes a folder named as the user typed it: the lab names folders by their real absolute path (the import
 * resolved it), so a relative path or one through a symbolic link is tried as that too.
 */
function removeFolderNamed(db: Db, folder: string): { root: string; removed: number } {
  const root = resolve(folder);
  try {
    return { root, ...removeFolder(db, root) };
  } catch (e) {
    let real: string;
    try {
      real = realpathSync.native(root);
    } catch {
      throw e;
    }
    if (!(e instanceof FolderNotFoundError) || real === root) throw e;
    return { root: real, ...removeFolder(db, real) };
  }
}

function busy(title: string, job: string): ApiError {
  return new ApiError('conflict', `${job} is working on this lab: try ${title} again when it has finished`);
}

/** Editing items by hand, their history and undo, and removing items or folders from the lab. */
export function itemEditHandlers(ctx: ServiceContext): ItemEditApi {
  const db = ctx.lab.db;
  const changed = () => {
    ctx.search.cache.invalidate();
    ctx.emit({ type: 'lab-changed' });
  };
  const writable = (title: string) => {
    if (ctx.lab.readOnly) throw new LabReadOnlyError(ctx.lab, title);
  };
  return {
    editItem: async (p) => {
      writable(`editing item ${p.id}`);
      const { id, ...edit } = p;
      if (editItem(db, id, edit) > 0) {
        changed();
        embedWhenBehind(ctx); // a caption typed in is embedded by the models at once, as an imported one is
      }
      return fullItemDetail(db, id);
    },
    undoItemEdit: async (p) => {
      writable(`undoing an edit of item ${p.id}`);
      const undone = undoLastEdit(db, p.id);
      if (undone.length > 0) {
        changed();
        embedWhenBehind(ctx);
      }
      return { undone, item: fullItemDetail(db, p.id) };
    },
    itemHistory: async (p) => ({ entries: itemHistory(db, p.id) }),
    removeItems: async (p) => {
      const title = `removing ${p.ids.length === 1 ? `item ${p.ids[0]}` : `${p.ids.length} items`}`;
      writable(title);
      const r = whileNoJobRuns(ctx, title, () => removeItems(db, p.ids));
      changed();
      return r;
    },
    removeFolder: async (p) => {
      const title = `removing the folder ${resolve(p.root)}`;
      writable(title);
      const r = whileNoJobRuns(ctx, title, () => removeFolderNamed(db, p.root));
      changed();
      return r;
    },
  };
}
