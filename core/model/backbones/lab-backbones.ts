import type { Lab, Db } from '../../store/lab.ts';
import { listModels } from '../../store/models.ts';
import { readOnnxClipConfig } from '../onnx/stored-config.ts';
import { BackboneLoadError, UnknownBackboneError, type Backbone, type BackboneInfo } from './backbone.ts';
import { backboneInfo, backboneNames, loadBackbone } from './index.ts';

/**
 * The image towers of one lab: the registry's backbones (./index.ts) and each user's CLIP of the lab, whose vision
 * encoder is a frozen backbone named `onnx:<modelId>` (its features: the CLIP's image embeddings, from the
 * backbone input, resized to cover and centre-cropped like the registry's). A LiT run on it trains a head and the
 * text tower on the lab's captions.
 */

const ONNX_PREFIX = 'onnx:';

/** The backbone name of a user's CLIP's image tower. */
export function onnxBackboneName(modelId: number): string {
  return `${ONNX_PREFIX}${modelId}`;
}

/** The model id of an `onnx:<id>` backbone name, or null for any other name. */
export function onnxBackboneModel(name: string): number | null {
  const m = /^onnx:([1-9]\d*)$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** The lab's user CLIPs (models of kind 'onnx-clip'), as backbones. */
function onnxBackbones(db: Db): BackboneInfo[] {
  return listModels(db)
    .filter((m) => m.kind === 'onnx-clip')
    .map((m) => {
      const c = readOnnxClipConfig(db, m.id);
      return {
        name: onnxBackboneName(m.id),
        title: `${c.name} (your CLIP's image tower)`,
        inputSize: c.imageSize,
        featureDim: c.dim,
      };
    });
}

/** Every backbone a run of this lab can use: the registry's, then the lab's CLIPs. */
export function labBackbones(db: Db): BackboneInfo[] {
  return [...backboneNames().map(backboneInfo), ...onnxBackbones(db)];
}

/** backboneInfo that also knows the lab's CLIPs; an unknown name lists every backbone the lab has. */
export function labBackboneLookup(db: Db): (name: string) => BackboneInfo {
  return (name) => {
    const all = labBackbones(db);
    const found = all.find((b) => b.name === name);
    if (!found)
      throw new UnknownBackboneError(
        name,
        all.map((b) => b.name),
      );
    return found;
  };
}

/** Loads a backbone of the lab: a registry backbone on this thread's TF.js, or a CLIP's vision encoder. */
export async function loadLabBackbone(lab: Lab, name: string): Promise<Backbone> {
  const id = onnxBackboneModel(name);
  if (id === null) return loadBackbone(name);
  const info = labBackboneLookup(lab.db)(name);
  const { loadOnnxClipModel } = await import('../onnx/load.ts');
  const model = await loadOnnxClipModel(lab, id);
  if (!model.squareInput) {
    model.dispose();
    throw new BackboneLoadError(
      `model ${id}'s vision encoder takes a non-square input: it cannot be a frozen backbone`,
    );
  }
  return {
    ...info,
    run: (rgb, n) => model.embedRgb(rgb, n),
    dispose: () => model.dispose(),
  };
}
