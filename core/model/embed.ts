import type { Lab } from '../store/lab.ts';
import { clearEmbeddings, saveEmbeddings } from '../store/embeddings.ts';
import { modelWeights } from '../store/models.ts';
import type { BackendName } from './backend.ts';
import { NO_AUGMENT } from './augment.ts';
import { modelLayout } from './layout.ts';
import { loadLabData, type LabData } from './data.ts';
import { startEngines, type Engine } from './engine.ts';
import { readStoredModel } from './stored.ts';
import { encodeAll, Tokenizer, type EncodedTexts } from './tokenizer.ts';

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

export interface EmbedLabOptions {
  /** Engines already holding the model's weights (the trainer's); otherwise new ones are started. */
  engines?: Engine[];
  /** Data already loaded from the lab. */
  data?: LabData;
  tokenizer?: Tokenizer;
  /** Worker threads for new engines (0 = this thread). Default 2. */
  threads?: number;
  prefer?: BackendName;
}

export interface EmbedLabResult {
  images: number;
  captions: number;
  seconds: number;
}

/**
 * Embeds every live image and caption with a model and stores the vectors under that model,
 * replacing its earlier embeddings (other models' embeddings are kept).
 */
export async function embedLab(lab: Lab, modelId: number, options: EmbedLabOptions = {}): Promise<EmbedLabResult> {
  const started = performance.now();
  const { config, tokenizer: spec } = readStoredModel(lab.db, modelId);
  const tokenizer = options.tokenizer ?? Tokenizer.fromSpec(spec);
  const data = options.data ?? loadLabData(lab.db);
  let engines = options.engines;
  let owned = false;
  if (!engines) {
    const weights = modelWeights(lab.db, modelId);
    const layout = modelLayout(config.model, tokenizer.vocabSize);
    const shared = new Float32Array(new SharedArrayBuffer(layout.total * 4));
    shared.set(weights);
    const threads = Math.min(options.threads ?? 2, Math.max(1, Math.ceil(data.items.length / 256)));
    engines = (
      await startEngines(
        threads,
        {
          model: config.model,
          vocabSize: tokenizer.vocabSize,
          store: data.store,
          augment: NO_AUGMENT,
          prefer: options.prefer,
          weights: shared,
        },
        layout.total,
      )
    ).engines;
    owned = true;
    await Promise.all(engines.map((e) => e.syncWeights()));
  }
  try {
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
    lab.db.transaction(() => {
      clearEmbeddings(lab.db, modelId);
      saveEmbeddings(
        lab.db,
        modelId,
        'image',
        data.items.map((i) => i.id),
        emb.images,
        dim,
      );
      saveEmbeddings(
        lab.db,
        modelId,
        'caption',
        captions.map((c) => c.id),
        emb.captions,
        dim,
      );
    })();
    return { images: data.items.length, captions: captions.length, seconds: (performance.now() - started) / 1000 };
  } finally {
    if (owned) await Promise.all(engines.map((e) => e.close()));
  }
}
