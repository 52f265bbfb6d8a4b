import { UserError } from '../../util/user-error.ts';

/**
 * A frozen image feature extractor (issue 11): the image tower of a LiT model and the "backbone features" model.
 * Registered in ./index.ts by name (`backboneNames()`, `DEFAULT_BACKBONE`, `backboneInfo(name)`,
 * `loadBackbone(name)`, which throws UnknownBackboneError); each family of backbones lives in a file of its own.
 */
export interface Backbone {
  /** Registry name: 'mobilenet_v2_mid', 'mobilenet_v2', 'inception_v3', 'onnx:<modelId>'. */
  readonly name: string;
  /** For the UI: 'MobileNetV2 ×1.4 (ImageNet, nsfwjs)'. */
  readonly title: string;
  /** Side of the square RGB input it runs on (224; 299 for Inception). */
  readonly inputSize: number;
  /** Length of one image's feature vector. */
  readonly featureDim: number;
  /**
   * Runs a batch of n RGB images already at inputSize (n × s × s × 3 bytes, row-major, 0–255) and resolves to
   * n × featureDim float32 features (row i for image i). The backbone does its own scaling of the bytes.
   */
  run(rgb: Uint8Array, n: number): Promise<Float32Array>;
  /** Frees the weights. */
  dispose(): void;
}

/** What the registry knows of a backbone before loading it (cheap: no weights read). */
export interface BackboneInfo {
  readonly name: string;
  readonly title: string;
  readonly inputSize: number;
  readonly featureDim: number;
}

/** A backbone name the registry does not know; the message lists the ones it does. */
export class UnknownBackboneError extends UserError {
  override readonly name = 'UnknownBackboneError';
  constructor(
    readonly backbone: string,
    readonly known: readonly string[],
  ) {
    super(`no backbone named '${backbone}': choose one of ${known.join(', ')}`);
  }
}

/** A backbone whose weights cannot be loaded (missing or corrupt files); the message names the file. */
export class BackboneLoadError extends UserError {
  override readonly name = 'BackboneLoadError';
}
