import type { InferenceSession } from 'onnxruntime-node';
import { OnnxFolderError, OnnxRuntimeMissingError } from './errors.ts';

/** The onnxruntime-node module. */
export type Ort = typeof import('onnxruntime-node');

let loaded: Promise<Ort> | null = null;

/** Loads onnxruntime-node once, on first use (see importOrt); a failed load is tried again next time. */
export function loadOrt(): Promise<Ort> {
  loaded ??= importOrt(() => import('onnxruntime-node'));
  loaded.catch(() => (loaded = null));
  return loaded;
}

/**
 * Imports onnxruntime-node (an optional dependency) through `importer`; when it is not installed or its native
 * binary does not load, an OnnxRuntimeMissingError says so and how to install it.
 */
export function importOrt(importer: () => Promise<unknown>): Promise<Ort> {
  return importer().then(
    (m) => ((m as { default?: Ort }).default ?? m) as Ort,
    (e: unknown) => {
      throw new OnnxRuntimeMissingError(firstLine(e));
    },
  );
}

export interface SessionOptions {
  /** Threads of one run (default: onnxruntime's, every core). */
  threads?: number;
}

/**
 * An inference session of `folder/file` on the CPU. A file that onnxruntime cannot read as a model (truncated,
 * corrupt, not ONNX, an operator it lacks) is an OnnxFolderError naming it.
 */
export async function openSession(
  ort: Ort,
  folder: string,
  file: string,
  path: string,
  options: SessionOptions = {},
): Promise<InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // Failures come back as errors that Nearlab reports with the file's name; onnxruntime's own log would repeat them.
      logSeverityLevel: 4,
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    });
  } catch (e) {
    throw new OnnxFolderError(folder, file, `not a model onnxruntime can load (${firstLine(e)})`);
  }
}

/** The first line of an error's message, without onnxruntime's long prefixes. */
export function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message
    .split('\n')[0]
    .replace(/^\[ONNXRuntimeError\] : \d+ : [A-Z_]+ : /, '')
    .trim();
}
