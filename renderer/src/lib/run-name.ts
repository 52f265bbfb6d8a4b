import type { ModelSummary } from '$api/contract.ts';

/** '#3 npair': the run's number and name, without repeating the number when the name has it. */
export function runName(m: Pick<ModelSummary, 'id' | 'name'>): string {
  return m.name.startsWith(`#${m.id}`) ? m.name : `#${m.id} ${m.name}`;
}

/**
 * What a model is, in a few words: the loss of a CNN trained from scratch ('npair'), the loss and frozen backbone of
 * a head trained on one ('npair on mobilenet_v2_mid'), 'image only' for backbone features (no text tower), 'CLIP'.
 */
export function modelKindNote(m: Pick<ModelSummary, 'kind' | 'loss' | 'backbone'>): string {
  if (m.kind === 'backbone') return 'image only';
  if (m.kind === 'onnx-clip') return 'CLIP';
  return m.backbone === null || m.backbone === 'scratch' ? `${m.loss}` : `${m.loss} on ${m.backbone}`;
}

/** The model table's image-tower column: the CNN from scratch, a head on a frozen backbone, its features, a CLIP. */
export function imageTower(m: Pick<ModelSummary, 'kind' | 'backbone'>): string {
  if (m.kind === 'backbone') return `${m.backbone} (frozen)`;
  if (m.kind === 'onnx-clip') return 'ONNX CLIP';
  return m.backbone === null || m.backbone === 'scratch' ? 'CNN (scratch)' : `${m.backbone} + head`;
}
