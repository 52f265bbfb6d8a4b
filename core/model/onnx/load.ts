import type { Lab } from '../../store/lab.ts';
import { OnnxModelFilesChangedError } from './errors.ts';
import { changedFiles } from './folder.ts';
import { OnnxClipModel } from './model.ts';
import { openClipFolder } from './open.ts';
import { readOnnxClipConfig } from './stored-config.ts';

export interface LoadOnnxClipOptions {
  /** Threads of one onnxruntime run. */
  threads?: number;
}

/**
 * Loads model `id`, a user's CLIP, from the folder it was added from. Its files are first checked against what was
 * recorded (size and modification time; the sha-256 when only the time differs): a file gone or changed is an
 * OnnxModelFilesChangedError naming it.
 */
export async function loadOnnxClipModel(
  lab: Lab,
  id: number,
  options: LoadOnnxClipOptions = {},
): Promise<OnnxClipModel> {
  const stored = readOnnxClipConfig(lab.db, id);
  const changes = await changedFiles(stored.folder, stored.files);
  if (changes.length > 0) throw new OnnxModelFilesChangedError(id, stored.folder, changes);
  const clip = await openClipFolder(stored.folder, { probe: false, threads: options.threads });
  // The scale found when it was added (a combined export's own is measured by a run the load skips).
  return new OnnxClipModel(id, { ...clip, scale: stored.scale });
}
