import type { Lab } from '../store/lab.ts';
import { clearEmbeddings, saveCaptionEmbeddings, saveItemEmbeddings } from '../store/embeddings.ts';
import type { LabData } from './data.ts';
import type { Engine } from './engine.ts';
import { readStoredModel } from './stored.ts';
import { encodeAll, type EncodedTexts, type Tokenizer } from './tokenizer.ts';

/** Splits rows and texts evenly over the engines and embeds the parts in parallel. */
export async function embedAll(
  engines: Engine[],
  rows: Int32Array,
  texts: EncodedTexts,
): Promise<{ images: Float32Array; captions: Float32Array }> {
  const e = engines.length;
  const part = (n: number, k: number) => [Math.floor((k * n) / e), Math.floor(((k + 1) * n) / e)] as const;
  const nTexts = texts.offsets.length - 1;
  const results = await Promise.all(
    engines.map(async (engine, k) => {
      const [ra, rb] = part(rows.length, k);
      const [ta, tb] = part(nTexts, k);
      const a = texts.offsets[ta];
      const sub: EncodedTexts = {
        ids: texts.ids.slice(a, texts.offsets[tb]),
        offsets: texts.offsets.slice(ta, tb + 1).map((o) => o - a),
      };
      return { images: await engine.embedRows(rows.slice(ra, rb)), captions: await engine.embedTexts(sub) };
    }),
  );
  const concat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return { images: concat(results.map((r) => r.images)), captions: concat(results.map((r) => r.captions)) };
}

/** No texts: for embedding images alone with embedAll. */
export const NO_TEXTS: EncodedTexts = { ids: new Int32Array(0), offsets: new Int32Array(1) };

export interface EmbedLabOptions {
  /** Engines holding the model's weights (the trainer's), over the pixel store of `data`. */
  engines: Engine[];
  /** The live items loaded from the lab with their pixels and captions. */
  data: LabData;
  tokenizer: Tokenizer;
}

export interface EmbedLabResult {
  images: number;
  captions: number;
  seconds: number;
}

/**
 * The trainer's last step: embeds every item and caption of `data` with the model the engines hold and stores the
 * vectors under that model, replacing its earlier embeddings (other models' embeddings are kept). An item whose
 * image changed since `data` was loaded (an import meanwhile) is left without an embedding, for embedModel
 * (embed-incremental.ts) to embed; so is an item imported meanwhile.
 */
export async function embedLab(lab: Lab, modelId: number, options: EmbedLabOptions): Promise<EmbedLabResult> {
  const started = performance.now();
  const { engines, data, tokenizer } = options;
  const { config } = readStoredModel(lab.db, modelId);
  const captions = data.items.flatMap((i) => i.captions);
  const emb = await embedAll(
    engines,
    Int32Array.from(data.items.map((i) => i.row)),
    encodeAll(
      tokenizer,
      captions.map((c) => c.text),
    ),
  );
  const dim = config.model.dim;
  let stored = { images: 0, captions: 0 };
  lab.db.transaction(() => {
    clearEmbeddings(lab.db, modelId);
    const items = data.items.map((i) => ({ itemId: i.id, imageId: i.imageId }));
    stored = {
      images: saveItemEmbeddings(lab.db, modelId, items, emb.images, dim),
      captions: saveCaptionEmbeddings(lab.db, modelId, captions, emb.captions, dim),
    };
  })();
  return { ...stored, seconds: (performance.now() - started) / 1000 };
}
