import { existsSync } from 'node:fs';
import type { z } from 'zod';
import type { IMAGE, QUERY } from '../../api/contract.ts';
import { combineQuery, normaliseVector, parseQuery } from '../../knn/index.ts';
import type { QueryImage } from '../../model/query-model.ts';
import { itemIdByPath } from '../../store/items.ts';
import { itemPixelsReader } from '../../store/pixels.ts';
import { readRegularFile } from '../../util/regular-file.ts';
import { UserError } from '../../util/user-error.ts';
import { originalFile } from '../media.ts';
import { asSearchError, SearchError } from './errors.ts';
import type { GalleryCache } from './gallery.ts';

/** An image file named in a query expression may be at most this large (as an image from a caller). */
const MAX_IMAGE_FILE_BYTES = 20_000_000;

/** An image to embed: a lab item, bytes from the caller, or (inside core only) a file on disk. */
export type ImageRef = z.output<typeof IMAGE> | { file: string };
export type Query = z.output<typeof QUERY>;

/** Turns queries into unit vectors in a model's joint space. */
export class QueryEncoder {
  constructor(
    private readonly cache: GalleryCache,
    /** Image terms of query expressions may name files on disk (the CLI), not only lab items. */
    private readonly allowFiles = false,
  ) {}

  private get db() {
    return this.cache.lab.db;
  }

  /** A lab item's original file, when it is still there and readable (models that read originals use it). */
  private async originalBytes(itemId: number): Promise<Buffer | null> {
    const path = await originalFile(this.db, itemId);
    return path ? readRegularFile(path, { maxBytes: MAX_IMAGE_FILE_BYTES }).catch(() => null) : null;
  }

  /** The stored model-input pixels of an image and, when known, its original bytes. */
  private async imageOf(ref: ImageRef): Promise<QueryImage> {
    if ('itemId' in ref) {
      const px = itemPixelsReader(this.db)(ref.itemId);
      if (!px) throw new SearchError(`no item ${ref.itemId} in this lab`);
      return { pixels: px, bytes: await this.originalBytes(ref.itemId) };
    }
    let bytes: Buffer;
    if ('file' in ref) {
      // Only a regular file, and not too large: a named pipe would wait forever for a writer.
      bytes = await readRegularFile(ref.file, { maxBytes: MAX_IMAGE_FILE_BYTES }).catch((e: unknown) => {
        throw new SearchError(e instanceof UserError ? e.message : `cannot read ${ref.file}: ${(e as Error).message}`);
      });
    } else {
      bytes = Buffer.from(ref.base64, 'base64');
    }
    const { decodeImage, PIXEL_SIZE } = await import('../../data/decode.ts'); // sharp loads on first use
    try {
      const d = await decodeImage(bytes);
      return { pixels: { size: PIXEL_SIZE, data: d.pixels }, bytes };
    } catch (e) {
      const name = 'file' in ref ? ref.file : (ref.name ?? 'the image');
      throw new SearchError(`${name}: ${(e as Error).message}`);
    }
  }

  /** A lab item's stored embedding when there is one; otherwise the model embeds the image. */
  async image(modelId: number, ref: ImageRef): Promise<Float32Array> {
    if ('itemId' in ref) {
      const g = this.cache.gallery(modelId, 'image');
      const row = g.emb.rowOf.get(ref.itemId);
      if (row !== undefined) return g.emb.data.slice(row * g.emb.dim, (row + 1) * g.emb.dim);
    }
    // The image first: a file that cannot be read is refused before a model is loaded for it.
    const image = await this.imageOf(ref);
    const model = await this.cache.model(modelId);
    return normaliseVector(await model.embedImages([image]));
  }

  /** A text's unit vector; NoTextTowerError (before any model loads) when the model has no text tower. */
  async text(modelId: number, text: string): Promise<Float32Array> {
    this.cache.requireText(modelId);
    const model = await this.cache.model(modelId);
    return normaliseVector(await model.embedTexts([text]));
  }

  /** The words of a text query the model's vocabulary lacks, or null when the model cannot tell. */
  async unknownWords(modelId: number, text: string): Promise<string[] | null> {
    const model = await this.cache.model(modelId);
    return model.unknownWords?.(text) ?? null;
  }

  async query(modelId: number, q: Query): Promise<Float32Array> {
    if ('text' in q) return this.text(modelId, q.text);
    if ('image' in q) return this.image(modelId, q.image);
    const terms = asSearchError(() => parseQuery(q.expression));
    const vectors: Float32Array[] = [];
    for (const t of terms) {
      if (t.kind === 'text') {
        vectors.push(await this.text(modelId, t.value));
        continue;
      }
      const itemId = itemIdByPath(this.db, t.value.replace(/^\.\//, ''));
      if (itemId !== null) vectors.push(await this.image(modelId, { itemId }));
      else if (this.allowFiles && existsSync(t.value)) vectors.push(await this.image(modelId, { file: t.value }));
      else
        throw new SearchError(
          `image ${JSON.stringify(t.value)} is not an item of this lab${this.allowFiles ? ' nor a file' : ''}`,
        );
    }
    return combineQuery(terms, vectors);
  }
}
