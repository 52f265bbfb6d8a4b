import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { BackboneLoadError } from './backbone.ts';

/**
 * The TF.js models inside the nsfwjs package (MIT), read offline from node_modules: each is a folder of UMD
 * CommonJS files, model.min.js exporting the model JSON and group1-shardKofN.min.js each exporting base64 weight
 * bytes, which is what the package's own loaders (nsfwjs/models/<name>) import. Nothing is fetched.
 */

const requireFromHere = createRequire(import.meta.url);

export type NsfwjsModel = 'mobilenet_v2_mid' | 'mobilenet_v2' | 'inception_v3';

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Folder of one of the package's models, or a BackboneLoadError when the package is not installed. */
function modelFolder(model: NsfwjsModel): string {
  let entry: string;
  try {
    entry = requireFromHere.resolve('nsfwjs'); // …/nsfwjs/dist/cjs/index.js
  } catch {
    throw new BackboneLoadError(
      `the backbone ${model} needs the nsfwjs package, which is not installed: run npm install`,
    );
  }
  return join(dirname(entry), '..', 'models', model);
}

function loadModule<T>(file: string, model: NsfwjsModel, check: (v: unknown) => v is T): T {
  if (!existsSync(file)) {
    throw new BackboneLoadError(`the backbone ${model} is missing its file ${file}: reinstall nsfwjs (npm install)`);
  }
  let value: unknown;
  try {
    value = requireFromHere(file);
  } catch (e) {
    throw new BackboneLoadError(`the backbone file ${file} cannot be read (${(e as Error).message})`);
  }
  if (!check(value)) throw new BackboneLoadError(`the backbone file ${file} is not what nsfwjs ${model} ships`);
  return value;
}

const isModelJson = (v: unknown): v is ModelJson =>
  typeof v === 'object' && v !== null && 'modelTopology' in v && Array.isArray((v as ModelJson).weightsManifest);
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The model's topology and weights, ready for tf.io.fromMemory. */
export function nsfwjsArtifacts(model: NsfwjsModel): tf.io.ModelArtifacts {
  const folder = modelFolder(model);
  const json = loadModule(join(folder, 'model.min.js'), model, isModelJson);
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      shards.push(Buffer.from(loadModule(join(folder, `${path}.min.js`), model, isString), 'base64'));
    }
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const bytes = weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * dtypeBytes(w), 0);
  const all = Buffer.concat(shards);
  if (all.byteLength !== bytes) {
    throw new BackboneLoadError(
      `the weights of backbone ${model} in ${folder} are ${all.byteLength} bytes, not the ${bytes} its model.min.js describes: reinstall nsfwjs`,
    );
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
  };
}

function dtypeBytes(w: tf.io.WeightsManifestEntry): number {
  if (w.quantization) return w.quantization.dtype === 'uint8' ? 1 : 2;
  return w.dtype === 'bool' ? 1 : 4;
}
