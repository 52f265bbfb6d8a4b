import { createRng, deriveSeed, shuffleInPlace } from '../util/random.ts';
import { labelPrompt, type TrainConfig } from './config.ts';
import type { LabData, LabItem } from './data.ts';
import { TrainingDataError } from './errors.ts';
import type { StepInput } from './step.ts';
import type { Tokenizer } from './tokenizer.ts';

/** How often a labelled item's text is its label prompt instead of one of its captions. */
const PROMPT_RATE = 0.2;

/** A train item with the texts it can be paired with. */
export interface TrainItem {
  item: LabItem;
  texts: string[];
  /** Encoded texts, parallel to `texts`. */
  encoded: Int32Array[];
}

/** The captions an item trains with. */
export function trainTexts(item: LabItem): string[] {
  return item.captions.map((c) => c.text);
}

/** Whether a train item can be paired with a text: it has a caption, or a label and label prompts are on. */
export function hasTrainText(item: Pick<LabItem, 'captions' | 'label'>, labelPrompts: boolean): boolean {
  return item.captions.length > 0 || (labelPrompts && item.label !== null);
}

/** Why `pairs` training pairs cannot train a model (fewer than 2), with what to import; null when they can. */
export function tooFewPairs(pairs: number): TrainingDataError | null {
  if (pairs >= 2) return null;
  return new TrainingDataError(
    `the train split has ${pairs} image${pairs === 1 ? '' : 's'} with a caption; training needs at least 2: import captions (a captions table or NAME.txt sidecars), caption images from their file names ("Caption from file name", or nearlab import FOLDER --caption-from-filename), or import labels with label prompts on`,
  );
}

/**
 * Positive pairs of a batch: image i with its own text, with any identical text, with the label
 * prompt of its own label, and (supervised) with every text of an item sharing its label.
 */
export function batchPositives(
  texts: readonly string[],
  labels: readonly (string | null)[],
  promptOf: readonly (string | null)[],
  supervised: boolean,
): Float32Array {
  const n = texts.length;
  const p = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const same =
        i === j ||
        texts[i] === texts[j] ||
        (labels[i] !== null && promptOf[j] === labels[i]) ||
        (supervised && labels[i] !== null && labels[i] === labels[j]);
      p[i * n + j] = same ? 1 : 0;
    }
  }
  return p;
}

/**
 * The training pairs of a run (train items with a caption, or a label prompt) and the batches drawn from them:
 * the same seed, epoch and step always give the same batch.
 */
export class TrainingPairs {
  readonly items: TrainItem[] = [];
  private readonly prompts = new Map<string, Int32Array>();

  constructor(
    data: LabData,
    private readonly config: TrainConfig,
    private readonly tokenizer: Tokenizer,
  ) {
    for (const item of data.items) {
      if (item.split !== 'train') continue;
      if (!hasTrainText(item, config.labelPrompts)) continue;
      const texts = trainTexts(item);
      this.items.push({ item, texts, encoded: texts.map((t) => tokenizer.encode(t)) });
    }
    const short = tooFewPairs(this.items.length);
    if (short) throw short;
  }

  /** The order in which an epoch visits the pairs. */
  epochOrder(epoch: number): number[] {
    const order = this.items.map((_, i) => i);
    shuffleInPlace(order, createRng(deriveSeed(this.config.seed, epoch, 0x5eed)));
    return order;
  }

  /** Batch number `index` of an epoch in `order`: image rows, augmentation seeds, texts and positive pairs. */
  batch(order: readonly number[], epoch: number, index: number, size: number): Omit<StepInput, 'lr'> {
    const { seed, labelPrompts, supervised } = this.config;
    const picked = order.slice(index * size, (index + 1) * size).map((i) => this.items[i]);
    const texts: string[] = [];
    const encoded: Int32Array[] = [];
    const promptOf: (string | null)[] = [];
    for (const t of picked) {
      const rand = createRng(deriveSeed(seed, epoch, t.item.id, 1)).next;
      const usePrompt = labelPrompts && t.item.label !== null && (t.texts.length === 0 || rand() < PROMPT_RATE);
      promptOf.push(usePrompt ? t.item.label : null);
      if (usePrompt) {
        texts.push(labelPrompt(t.item.label!));
        encoded.push(this.promptIds(t.item.label!));
      } else {
        const k = Math.floor(rand() * t.texts.length);
        texts.push(t.texts[k]);
        encoded.push(t.encoded[k]);
      }
    }
    return {
      rows: Int32Array.from(picked.map((t) => t.item.row)),
      seeds: Uint32Array.from(picked.map((t) => deriveSeed(seed, epoch, t.item.id, 2))),
      texts: encoded,
      positives: batchPositives(
        texts,
        picked.map((t) => t.item.label),
        promptOf,
        supervised,
      ),
    };
  }

  private promptIds(label: string): Int32Array {
    let ids = this.prompts.get(label);
    if (!ids) this.prompts.set(label, (ids = this.tokenizer.encode(labelPrompt(label))));
    return ids;
  }
}
