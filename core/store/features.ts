import { floatsToHalfBlob, halfBlobToFloats } from './float16.ts';
import type { Db } from './lab.ts';

/**
 * Frozen-backbone features per image content and backbone (migration 004), stored as float16, and the images a
 * backbone could not be run on. All the SQL of the feature job and its readers.
 */

/** An image without features yet: its content id and hash, and one live item's file (root + path relative to it). */
export interface ImageToFeature {
  imageId: number;
  /** sha256 (hex) of the image file's bytes as imported: a file changed since no longer shows this content. */
  hash: string;
  root: string;
  path: string;
  /** The exact bytes of `path` when the name is not valid UTF-8 (then `path` is only a display form), else null. */
  pathRaw: Buffer | null;
}

export interface FeaturePage {
  /** Only images with a larger id (paging in id order). */
  after: number;
  limit: number;
  /** Views 0 … views−1 wanted: an image missing any of them is listed. Default 1 (view 0 only). */
  views?: number;
}

const LIVE = `i.status = 'ok'`;

/** The first live item of each live image whose features from @backbone lack one of views 0 … @views−1, unfailed. */
const PENDING = `i.id = (SELECT min(j.id) FROM items j WHERE j.image_id = i.image_id AND j.status = 'ok')
  AND ${LIVE}
  AND (SELECT count(*) FROM features f WHERE f.backbone = @backbone AND f.image_id = i.image_id AND f.view < @views) < @views
  AND NOT EXISTS (SELECT 1 FROM feature_failures x WHERE x.backbone = @backbone AND x.image_id = i.image_id)`;

/**
 * Live items' distinct images (in image id order) that have no feature from `backbone` for one of the wanted views
 * and no recorded failure, each with the file of its first live item.
 */
export function imagesWithoutFeatures(db: Db, backbone: string, page: FeaturePage): ImageToFeature[] {
  return db
    .prepare(
      `SELECT i.image_id AS imageId, g.hash, r.path AS root, i.path, i.path_raw AS pathRaw
       FROM items i JOIN roots r ON r.id = i.root_id JOIN images g ON g.id = i.image_id
       WHERE ${PENDING} AND i.image_id > @after
       ORDER BY i.image_id LIMIT @limit`,
    )
    .all({ backbone, after: page.after, limit: page.limit, views: page.views ?? 1 }) as ImageToFeature[];
}

/** How many images imagesWithoutFeatures would list from the start. */
export function countImagesWithoutFeatures(db: Db, backbone: string, views = 1): number {
  return db.prepare(`SELECT count(*) FROM items i WHERE ${PENDING}`).pluck().get({ backbone, views }) as number;
}

export interface FeatureRow {
  imageId: number;
  view: number;
  vector: Float32Array;
}

/**
 * Stores feature vectors (float16) in one transaction, replacing any of the same image and view. A row whose image
 * is gone (an import dropped content no item shows any more) is not stored. Returns how many were stored.
 */
export function saveFeatures(db: Db, backbone: string, rows: readonly FeatureRow[]): number {
  const ins = db.prepare(
    `INSERT OR REPLACE INTO features (image_id, backbone, view, vector) SELECT id, ?, ?, ? FROM images WHERE id = ?`,
  );
  let stored = 0;
  db.transaction(() => {
    for (const r of rows) stored += ins.run(backbone, r.view, floatsToHalfBlob(r.vector), r.imageId).changes;
  })();
  return stored;
}

/** Records that `backbone` could not be run on an image (the job skips it from then on). */
export function recordFeatureFailure(db: Db, backbone: string, imageId: number, reason: string): void {
  db.prepare(
    `INSERT OR REPLACE INTO feature_failures (image_id, backbone, reason) SELECT id, ?, ? FROM images WHERE id = ?`,
  ).run(backbone, reason, imageId);
}

/** The recorded failures of a backbone, by image id. */
export function featureFailures(db: Db, backbone: string): { imageId: number; reason: string }[] {
  return db
    .prepare('SELECT image_id AS imageId, reason FROM feature_failures WHERE backbone = ? ORDER BY image_id')
    .all(backbone) as { imageId: number; reason: string }[];
}

/** Stored features as one matrix: row r (dim values) belongs to image found[r]. */
export interface FeatureMatrix {
  dim: number;
  data: Float32Array;
  found: Int32Array;
}

/**
 * The features of one view of the given images, in the order asked; images without one are left out (found says
 * which rows there are). dim is 0 when none is found.
 */
export function readFeatures(db: Db, backbone: string, imageIds: ArrayLike<number>, view = 0): FeatureMatrix {
  const get = db.prepare('SELECT vector FROM features WHERE backbone = ? AND image_id = ? AND view = ?').pluck();
  const blobs: Buffer[] = [];
  const found: number[] = [];
  for (let i = 0; i < imageIds.length; i++) {
    const blob = get.get(backbone, imageIds[i], view) as Buffer | undefined;
    if (blob === undefined) continue;
    blobs.push(blob);
    found.push(imageIds[i]);
  }
  const dim = blobs.length > 0 ? blobs[0].byteLength / 2 : 0;
  const data = new Float32Array(blobs.length * dim);
  blobs.forEach((b, r) => {
    if (b.byteLength !== dim * 2)
      throw new Error(`feature of image ${found[r]} has ${b.byteLength / 2} values, not ${dim}`);
    halfBlobToFloats(b, data, r * dim);
  });
  return { dim, data, found: Int32Array.from(found) };
}

/** How far a backbone covers the lab: distinct images of live items, those with a view-0 feature, those failed. */
export interface FeatureCoverage {
  images: number;
  done: number;
  failed: number;
}

export function featureCoverage(db: Db, backbone: string): FeatureCoverage {
  return db
    .prepare(
      `WITH live AS (SELECT DISTINCT image_id AS id FROM items i WHERE ${LIVE})
       SELECT
         (SELECT count(*) FROM live) AS images,
         (SELECT count(*) FROM live l JOIN features f ON f.backbone = @backbone AND f.image_id = l.id AND f.view = 0) AS done,
         (SELECT count(*) FROM live l JOIN feature_failures x ON x.backbone = @backbone AND x.image_id = l.id) AS failed`,
    )
    .get({ backbone }) as FeatureCoverage;
}

/** The backbones that have features (or recorded failures) in the lab, by name. */
export function featureBackbones(db: Db): string[] {
  return db
    .prepare('SELECT DISTINCT backbone FROM features UNION SELECT DISTINCT backbone FROM feature_failures ORDER BY 1')
    .pluck()
    .all() as string[];
}
