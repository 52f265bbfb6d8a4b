import { itemsToEmbed, type ItemToEmbed } from '../store/embeddings.ts';
import { readFeatures } from '../store/features.ts';
import type { Lab } from '../store/lab.ts';
import { imagePixelsReader } from '../store/pixels.ts';
import { imageBackbone, type ModelConfig } from './config.ts';
import type { FeatureStore, PixelStore } from './replica.ts';

/**
 * One batch of an embed job's inputs in shared memory, refilled for each batch: the engines' worker threads read the
 * slots in place (like the trainer's shared weights, the buffers are written only between engine calls), so memory
 * stays one batch whatever the size of the lab. Pixels for the CNN, a frozen backbone's features for a LiT head.
 */
export interface Slots {
  readonly pixels: PixelStore | null;
  readonly features: FeatureStore | null;
  /**
   * Writes the items' inputs into the slots (items of identical content share one) and returns each kept item's
   * slot; an item whose input is not there (image gone meanwhile, no feature yet) is left out.
   */
  fill(items: readonly ItemToEmbed[]): { rows: Int32Array; kept: ItemToEmbed[] };
}

/** Assigns one slot per distinct image that `write` can fill (it returns false when the image has no input). */
function assign(
  items: readonly ItemToEmbed[],
  capacity: number,
  write: (imageId: number, slot: number) => boolean,
): { rows: Int32Array; kept: ItemToEmbed[] } {
  if (items.length > capacity) throw new Error(`${items.length} items for ${capacity} slots`);
  const slotOf = new Map<number, number | null>();
  const kept: ItemToEmbed[] = [];
  const rows: number[] = [];
  let used = 0;
  for (const item of items) {
    let slot = slotOf.get(item.imageId);
    if (slot === undefined) {
      slot = write(item.imageId, used) ? used++ : null;
      slotOf.set(item.imageId, slot);
    }
    if (slot === null) continue;
    kept.push(item);
    rows.push(slot);
  }
  return { rows: Int32Array.from(rows), kept };
}

/** Pixel slots as large as the lab's stored pixels (one size for the whole lab; read from its first image). */
export class PixelSlots implements Slots {
  readonly features = null;
  private readonly read: (imageId: number) => Buffer | null;

  private constructor(
    lab: Lab,
    readonly pixels: PixelStore,
    private readonly capacity: number,
    private readonly slotBytes: number,
  ) {
    this.read = imagePixelsReader(lab.db);
  }

  static forLab(lab: Lab, modelId: number, capacity: number): PixelSlots {
    const [first] = itemsToEmbed(lab.db, modelId, { all: true, after: 0, limit: 1 });
    const slotBytes = first ? (imagePixelsReader(lab.db)(first.imageId)?.length ?? 0) : 0;
    const store: PixelStore = {
      data: new Uint8Array(new SharedArrayBuffer(Math.max(1, capacity * slotBytes))),
      offsets: new Float64Array(new SharedArrayBuffer(capacity * 8)),
      sizes: new Int32Array(new SharedArrayBuffer(capacity * 4)),
    };
    return new PixelSlots(lab, store, capacity, slotBytes);
  }

  fill(items: readonly ItemToEmbed[]): { rows: Int32Array; kept: ItemToEmbed[] } {
    return assign(items, this.capacity, (imageId, slot) => {
      const data = this.read(imageId);
      if (!data) return false;
      const size = Math.round(Math.sqrt(data.length / 3));
      if (size * size * 3 !== data.length || data.length > this.slotBytes)
        throw new Error(`image ${imageId}: ${data.length} bytes of pixels do not fit a ${this.slotBytes}-byte slot`);
      this.pixels.data.set(data, slot * this.slotBytes);
      this.pixels.offsets[slot] = slot * this.slotBytes;
      this.pixels.sizes[slot] = size;
      return true;
    });
  }
}

/** Feature slots of a LiT model's backbone (view 0: the whole image). */
export class FeatureSlots implements Slots {
  readonly pixels = null;

  private constructor(
    private readonly lab: Lab,
    private readonly backbone: string,
    readonly features: FeatureStore,
  ) {}

  static forModel(lab: Lab, model: ModelConfig, capacity: number): FeatureSlots {
    const dim = model.head?.featureDim ?? 0;
    const features: FeatureStore = {
      data: new Float32Array(new SharedArrayBuffer(Math.max(1, capacity * dim) * 4)),
      rows: capacity,
      dim,
      views: 1,
    };
    return new FeatureSlots(lab, imageBackbone(model), features);
  }

  fill(items: readonly ItemToEmbed[]): { rows: Int32Array; kept: ItemToEmbed[] } {
    const dim = this.features.dim;
    const f = readFeatures(this.lab.db, this.backbone, [...new Set(items.map((i) => i.imageId))], 0);
    if (f.found.length > 0 && f.dim !== dim)
      throw new Error(`${this.backbone} features of ${f.dim} values, the model's head reads ${dim}`);
    const rowOf = new Map(Array.from(f.found, (imageId, r) => [imageId, r]));
    return assign(items, this.features.rows, (imageId, slot) => {
      const r = rowOf.get(imageId);
      if (r === undefined) return false;
      this.features.data.set(f.data.subarray(r * dim, (r + 1) * dim), slot * dim);
      return true;
    });
  }
}
