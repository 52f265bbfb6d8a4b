import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Training kernels the wasm backend lacks (or runs as a slow naive loop), composed from its fast
 * XNNPACK-backed kernels. Convolution gradients become ordinary convolutions:
 *  - filter gradient: the input transposed to [inC, H, W, N] convolved with dy transposed to
 *    [outH, outW, N, outC] used as a filter dilated by the stride;
 *  - input gradient: dy (zero-inserted by the stride) convolved with the flipped, transposed filter.
 */

type Info = tf.TensorInfo;
type KernelArgs = { inputs: Record<string, Info>; backend: BackendWasm; attrs: Record<string, unknown> };
type Kernel = (args: KernelArgs) => Info;

const WASM = 'wasm';

function kernel(name: string): Kernel {
  const k = tf.getKernel(name, WASM);
  if (!k) throw new Error(`wasm kernel ${name} is not registered`);
  return k.kernelFunc as unknown as Kernel;
}

/** Runs kernels, disposing every intermediate result except the returned one. */
class Scratch {
  private readonly temps: Info[] = [];
  constructor(readonly backend: BackendWasm) {}
  run(name: string, inputs: Record<string, Info>, attrs: Record<string, unknown> = {}): Info {
    const out = kernel(name)({ inputs, backend: this.backend, attrs });
    this.temps.push(out);
    return out;
  }
  /** Disposes all temporaries but `keep`. */
  finish(keep: Info): Info {
    for (const t of this.temps) if (t !== keep) this.backend.disposeData(t.dataId);
    return keep;
  }
}

interface ConvGeometry {
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

function geometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: Record<string, unknown>,
): ConvGeometry | null {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? 'NHWC';
  const dilations = (attrs.dilations as number | [number, number] | undefined) ?? 1;
  const dil = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (dataFormat !== 'NHWC' || dil[0] !== 1 || dil[1] !== 1) return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  return {
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    outH: info.outHeight,
    outW: info.outWidth,
  };
}

/** dW[a,b,ci,co] = Σ x[n, i·s + a − padTop, j·s + b − padLeft, ci] · dy[n,i,j,co]. */
export function convFilterGrad(
  backend: BackendWasm,
  x: Info,
  dy: Info,
  filterShape: [number, number, number, number],
  g: ConvGeometry,
): Info {
  const s = new Scratch(backend);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [fh, fw] = filterShape;
  const oh = dy.shape[1];
  const ow = dy.shape[2];
  let padBottom = fh - h - g.padTop + (oh - 1) * g.strideH;
  let padRight = fw - w - g.padLeft + (ow - 1) * g.strideW;
  let input = x;
  if (padBottom < 0 || padRight < 0) {
    // Rows/columns the strided filter never reaches: crop them instead of padding negatively.
    input = s.run(
      'Slice',
      { x },
      { begin: [0, 0, 0, 0], size: [n, h + Math.min(padBottom, 0), w + Math.min(padRight, 0), c] },
    );
    padBottom = Math.max(padBottom, 0);
    padRight = Math.max(padRight, 0);
  }
  const xt = s.run('Transpose', { x: input }, { perm: [3, 1, 2, 0] });
  const dyt = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const r = s.run(
    'Conv2D',
    { x: xt, filter: dyt },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [g.padTop, padBottom],
        [g.padLeft, padRight],
        [0, 0],
      ],
      dilations: [g.strideH, g.strideW],
      dataFormat: 'NHWC',
    },
  );
  const out = s.run('Transpose', { x: r }, { perm: [1, 2, 0, 3] });
  return s.finish(out);
}

/** dx for a convolution with the given filter: dy zero-inserted by the stride, convolved with the flipped filter. */
export function convInputGrad(
  backend: BackendWasm,
  dy: Info,
  filter: Info,
  inputShape: [number, number, number, number],
  g: ConvGeometry,
): Info | null {
  const [fh, fw] = filter.shape as [number, number, number, number];
  const [n, h, w] = inputShape;
  const padTop = fh - 1 - g.padTop;
  const padLeft = fw - 1 - g.padLeft;
  if (padTop < 0 || padLeft < 0) return null;
  const s = new Scratch(backend);
  let grad = dy;
  const [, oh, ow, co] = dy.shape as [number, number, number, number];
  if (g.strideH > 1 || g.strideW > 1) {
    const six = s.run('Reshape', { x: dy }, { shape: [n, oh, 1, ow, 1, co] });
    const padded = s.run(
      'PadV2',
      { x: six },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, g.strideH - 1],
          [0, 0],
          [0, g.strideW - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const four = s.run('Reshape', { x: padded }, { shape: [n, oh * g.strideH, ow * g.strideW, co] });
    grad = s.run(
      'Slice',
      { x: four },
      { begin: [0, 0, 0, 0], size: [n, (oh - 1) * g.strideH + 1, (ow - 1) * g.strideW + 1, co] },
    );
  }
  const gh = grad.shape[1];
  const gw = grad.shape[2];
  const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
  const wt = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  const padBottom = h - gh - padTop + fh - 1;
  const padRight = w - gw - padLeft + fw - 1;
  let out = s.run(
    'Conv2D',
    { x: grad, filter: wt },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [padTop, Math.max(padBottom, 0)],
        [padLeft, Math.max(padRight, 0)],
        [0, 0],
      ],
      dilations: [1, 1],
      dataFormat: 'NHWC',
    },
  );
  if (padBottom < 0 || padRight < 0) {
    out = s.run('Slice', { x: out }, { begin: [0, 0, 0, 0], size: [n, h, w, inputShape[3]] });
  }
  return s.finish(out);
}

let registered = false;

/** Registers the composed training kernels on the wasm backend (idempotent). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const naiveInputGrad = kernel('Conv2DBackpropInput');

  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: WASM,
    kernelFunc: (({ inputs, backend, attrs }: KernelArgs) => {
      const { x, dy } = inputs;
      const filterShape = attrs.filterShape as [number, number, number, number];
      const g = geometry(x.shape as [number, number, number, number], filterShape, attrs);
      if (!g) throw new Error('Conv2DBackpropFilter on wasm supports NHWC without dilation only');
      return convFilterGrad(backend, x, dy, filterShape, g);
    }) as unknown as tf.KernelFunc,
  });

  tf.unregisterKernel('Conv2DBackpropInput', WASM);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: WASM,
    kernelFunc: ((args: KernelArgs) => {
      const { inputs, backend, attrs } = args;
      const { dy, filter } = inputs;
      const inputShape = attrs.inputShape as [number, number, number, number];
      const g = geometry(inputShape, filter.shape as [number, number, number, number], attrs);
      const out = g ? convInputGrad(backend, dy, filter, inputShape, g) : null;
      return out ?? naiveInputGrad(args);
    }) as unknown as tf.KernelFunc,
  });

  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: WASM,
    kernelFunc: (({ inputs, backend, attrs }: KernelArgs) => {
      const { x, segmentIds } = inputs;
      const numSegments = attrs.numSegments as number;
      const s = new Scratch(backend);
      const lead = segmentIds.shape.reduce((a, b) => a * b, 1);
      const rest = x.shape.slice(segmentIds.shape.length);
      let ids = segmentIds;
      if (ids.dtype !== 'int32') ids = s.run('Cast', { x: ids }, { dtype: 'int32' });
      const indices = s.run('Reshape', { x: ids }, { shape: [lead, 1] });
      const updates = s.run('Reshape', { x }, { shape: [lead, ...rest] });
      const out = s.run('ScatterNd', { indices, updates }, { shape: [numSegments, ...rest] });
      return s.finish(out);
    }) as unknown as tf.KernelFunc,
  });
}
