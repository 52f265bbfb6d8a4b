import { join } from 'node:path';
import { UserError } from '../../util/user-error.ts';

/** What is wrong with one file of a CLIP folder: the message names the file (in the folder) and the problem. */
export class OnnxFolderError extends UserError {
  override readonly name = 'OnnxFolderError';
  constructor(
    readonly folder: string,
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${join(folder, file)}: ${problem}`);
  }
}

/** A folder that lacks files every CLIP export in the Hugging Face layout has. */
export class MissingOnnxFilesError extends UserError {
  override readonly name = 'MissingOnnxFilesError';
  constructor(
    readonly folder: string,
    readonly missing: readonly string[],
    required: readonly string[],
    combined: string,
  ) {
    super(
      `${folder} is not a CLIP export in the Hugging Face layout: it has no ${missing.join(', ')} ` +
        `(needed: ${required.join(', ')}; or ${combined} holding both encoders instead of the two)`,
    );
  }
}

/** The files a registered ONNX model was added from are gone or differ from what was recorded. */
export class OnnxModelFilesChangedError extends UserError {
  override readonly name = 'OnnxModelFilesChangedError';
  constructor(
    readonly modelId: number,
    readonly folder: string,
    readonly changes: readonly string[],
  ) {
    super(
      `the files of model ${modelId} changed or moved: ${changes.join('; ')} ` +
        `(in ${folder}): put them back, or add the folder again with \`nearlab model add\``,
    );
  }
}

/** onnxruntime-node, an optional dependency, did not install or its binary does not load here. */
export class OnnxRuntimeMissingError extends UserError {
  override readonly name = 'OnnxRuntimeMissingError';
  constructor(cause: string) {
    super(
      `ONNX models need the optional dependency onnxruntime-node, which is not installed or does not load here ` +
        `(${cause}): run \`npm install onnxruntime-node\` in Nearlab's folder`,
    );
  }
}
