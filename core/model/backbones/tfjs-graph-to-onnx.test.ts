import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend.ts';
import { loadOrt } from '../onnx/runtime.ts';
import { TfjsToOnnxError, tfjsGraphToOnnx } from './tfjs-graph-to-onnx.ts';

/**
 * A small graph with every op the converter knows, in the shapes that are easy to get wrong: SAME padding at
 * stride 2 on an even size (TF pads the extra row at the end), a depthwise convolution with channel multiplier 2,
 * both fused activations, a residual add, the pooled squeeze. TF.js runs it as a graph model; onnxruntime runs the
 * conversion; they must agree.
 */
const S = 10;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (...i: number[]) => ({ list: { i: i.map(String) } });
const conv = (padding: string, stride: number, fused: string[]) => ({
  strides: ints(1, stride, stride, 1),
  dilations: ints(1, 1, 1, 1),
  padding: { s: b64(padding) },
  data_format: { s: b64('NHWC') },
  fused_ops: { list: { s: fused.map(b64) } },
  num_args: { i: '1' },
  T: { type: 'DT_FLOAT' },
});
const constNode = (name: string) => ({ name, op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } });

function graph(overrides: Record<string, object> = {}) {
  const nodes = [
    {
      name: 'input',
      op: 'Placeholder',
      attr: { shape: { shape: { dim: [{ size: '-1' }, { size: `${S}` }, { size: `${S}` }, { size: '3' }] } } },
    },
    ...['mul_y', 'sub_y', 'w1', 'b1', 'wd', 'bd', 'w2', 'b2'].map(constNode),
    { name: 'mul', op: 'Mul', input: ['mul_y', 'input'] },
    { name: 'sub', op: 'Sub', input: ['mul', 'sub_y'] },
    { name: 'conv1', op: '_FusedConv2D', input: ['sub', 'w1', 'b1'], attr: conv('SAME', 2, ['BiasAdd', 'Relu6']) },
    {
      name: 'dw',
      op: 'FusedDepthwiseConv2dNative',
      input: ['conv1', 'wd', 'bd'],
      attr: conv('SAME', 1, ['BiasAdd', 'Relu']),
    },
    { name: 'proj', op: '_FusedConv2D', input: ['dw:0', 'w2', 'b2'], attr: conv('VALID', 1, ['BiasAdd']) },
    { name: 'add', op: 'AddV2', input: ['dw', 'proj'] },
    {
      name: 'pool',
      op: 'AvgPool',
      input: ['add'],
      attr: {
        ksize: ints(1, 5, 5, 1),
        strides: ints(1, 1, 1, 1),
        padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') },
      },
    },
    { name: 'squeeze', op: 'Squeeze', input: ['pool'], attr: { squeeze_dims: ints(1, 2) } },
    { name: 'head', op: 'Softmax', input: ['squeeze'] },
  ].map((n) => ({ ...n, ...(overrides[n.name] ?? {}) }));
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const t = (shape: number[], scale = 0.5) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() * scale),
      shape,
    );
  const weights: tf.NamedTensorMap = {
    mul_y: tf.scalar(2),
    sub_y: tf.scalar(1),
    w1: t([3, 3, 3, 4]),
    b1: t([4], 0.1),
    wd: t([3, 3, 4, 2]),
    bd: t([8], 0.1),
    w2: t([1, 1, 8, 8]),
    b2: t([8], 0.1),
  };
  return { nodes, weights };
}

async function artifacts(g: ReturnType<typeof graph>): Promise<tf.io.ModelArtifacts> {
  const { data, specs } = await tf.io.encodeWeights(g.weights);
  tf.dispose(Object.values(g.weights));
  return {
    modelTopology: { node: g.nodes, versions: { producer: 175 } },
    format: 'graph-model',
    weightSpecs: specs,
    weightData: data,
  };
}

function images(n: number): Uint8Array {
  return Uint8Array.from({ length: n * S * S * 3 }, (_, i) => (i * 37 + ((i * i) % 101)) % 256);
}

describe('tfjsGraphToOnnx', () => {
  it('gives what TF.js computes for the same graph cut at a node, for a batch of any size', async () => {
    await initBackend();
    const a = await artifacts(graph());
    const model = await tf.loadGraphModel(tf.io.fromMemory(a));
    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(tfjsGraphToOnnx(a, { output: 'squeeze' }));
    try {
      for (const n of [1, 3]) {
        const rgb = images(n);
        const expected = tf.tidy(() => {
          const x = tf.tensor4d(
            Float32Array.from(rgb, (v) => v / 255),
            [n, S, S, 3],
          );
          return (model.execute(x, 'squeeze') as tf.Tensor).arraySync() as number[][];
        });
        const out = await session.run({ images: new ort.Tensor('uint8', rgb, [n, S, S, 3]) });
        expect(out.features.dims).toEqual([n, 8]);
        const got = Array.from(out.features.data as Float32Array);
        expected.flat().forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
        // Not a graph that gives zeros: the features vary across the images.
        expect(new Set(expected.map((row) => row[0].toFixed(4))).size).toBe(n);
      }
    } finally {
      model.dispose();
      await session.release();
    }
  });

  it('names the op it cannot convert', async () => {
    const a = await artifacts(graph());
    expect(() => tfjsGraphToOnnx(a, { output: 'head' })).toThrow(TfjsToOnnxError);
    expect(() => tfjsGraphToOnnx(a, { output: 'head' })).toThrow(/op Softmax \(node head\)/);
  });

  it('refuses what it would convert wrongly: a layout other than NHWC, explicit padding, a missing node', async () => {
    const nchw = await artifacts(
      graph({ conv1: { attr: { ...conv('SAME', 2, ['BiasAdd']), data_format: { s: b64('NCHW') } } } }),
    );
    expect(() => tfjsGraphToOnnx(nchw, { output: 'squeeze' })).toThrow(/conv1: data format NCHW/);
    const explicit = await artifacts(graph({ proj: { attr: conv('EXPLICIT', 1, ['BiasAdd']) } }));
    expect(() => tfjsGraphToOnnx(explicit, { output: 'squeeze' })).toThrow(/proj: padding EXPLICIT/);
    const fused = await artifacts(graph({ proj: { attr: conv('VALID', 1, ['BiasAdd', 'Elu']) } }));
    expect(() => tfjsGraphToOnnx(fused, { output: 'squeeze' })).toThrow(/fused ops BiasAdd\+Elu/);
    const a = await artifacts(graph());
    expect(() => tfjsGraphToOnnx(a, { output: 'nowhere' })).toThrow(/no node nowhere/);
  });
});
