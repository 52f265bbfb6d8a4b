import * as tf from '@tensorflow/tfjs';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';

/**
 * Converts a TF.js graph model (the JSON topology and weights tf.io.fromMemory takes) cut at one of its nodes into an
 * ONNX model that onnxruntime runs, for the convolutional backbones nsfwjs ships (issue 11: onnxruntime's CPU
 * kernels run MobileNetV2 several times faster than TF.js' wasm backend). The weights are dequantised by TF.js
 * itself (tf.io.decodeWeights), so both runtimes compute with the very same numbers.
 *
 * The ONNX model takes the images as TF.js is given them, uint8 NHWC (`images`, batch × s × s × 3), scales them to
 * [0, 1] as TfBackbone does, and works in NCHW (ONNX's layout) from there; it gives the cut node's value as
 * `features` (batch × dim). The ops converted are those of MobileNet-like graphs: Placeholder, Const, Identity,
 * Mul/Sub/AddV2 (of two activations, or of an activation and a scalar), _FusedConv2D and FusedDepthwiseConv2dNative
 * (BiasAdd, then optionally Relu or Relu6), AvgPool and Squeeze of the spatial axes; any other op is a
 * TfjsToOnnxError naming it.
 */

/** A graph this converter cannot express in ONNX (an op or attribute it does not know). */
export class TfjsToOnnxError extends Error {
  override readonly name = 'TfjsToOnnxError';
}

interface TfAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  list?: { i?: string[]; s?: string[] };
  shape?: { dim?: { size: string }[] };
}

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface ConvertOptions {
  /** The node whose value is the model's output. */
  output: string;
  /** ONNX producer name, written into the model. */
  producer?: string;
}

/** ONNX opset the model is written for (Squeeze takes its axes as an input from 13 on; Clip its bounds from 11). */
// onnx-proto is CommonJS (protobufjs' static code): its namespace is a property of the module object.
const { onnx } = onnxProto;
const OPSET = 13;
const IR_VERSION = 7;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

const decodeString = (s: string | undefined): string => (s === undefined ? '' : Buffer.from(s, 'base64').toString());
/** The value a node input refers to: 'name' or 'name:0' (a node's first output); '^name' is a control input. */
const valueOf = (input: string): string => input.replace(/:0$/, '');

/** Where each NHWC axis is once the tensor is NCHW. */
const NCHW_AXIS = [0, 2, 3, 1];

export function tfjsGraphToOnnx(artifacts: tf.io.ModelArtifacts, options: ConvertOptions): Uint8Array {
  const topology = artifacts.modelTopology as { node?: TfNode[] } | undefined;
  if (!topology?.node || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new TfjsToOnnxError('not a TF.js graph model with its weights');
  }
  const nodes = new Map(topology.node.map((n) => [n.name, n]));
  const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    return new Converter(nodes, weights).convert(options);
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/** What a converted value is: an NCHW activation (NHWC in TF), a plain one (e.g. after the squeeze), or a constant. */
type Layout = 'nchw' | 'plain';

class Converter {
  private readonly onnxNodes: Onnx.INodeProto[] = [];
  private readonly initializers: Onnx.ITensorProto[] = [];
  private readonly layouts = new Map<string, Layout>();
  private input: { name: string; shape: number[] } | null = null;
  private uid = 0;

  constructor(
    private readonly nodes: Map<string, TfNode>,
    private readonly weights: tf.NamedTensorMap,
  ) {}

  convert(options: ConvertOptions): Uint8Array {
    const out = this.value(options.output);
    if (!this.input) throw new TfjsToOnnxError(`node ${options.output} does not depend on the graph's input`);
    this.emit('Identity', [out], ['features']);
    const batch = { dimParam: 'batch' };
    const graph: Onnx.IGraphProto = {
      name: 'backbone',
      node: this.onnxNodes,
      initializer: this.initializers,
      input: [
        tensorType('images', onnx.TensorProto.DataType.UINT8, [
          batch,
          ...this.input.shape.slice(1).map((d) => ({ dimValue: d })),
        ]),
      ],
      output: [tensorType('features', FLOAT, [batch, { dimParam: 'dim' }])],
    };
    const model: Onnx.IModelProto = {
      irVersion: IR_VERSION,
      producerName: options.producer ?? 'nearlab',
      opsetImport: [{ domain: '', version: OPSET }],
      graph,
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  /** The ONNX value of TF node `name`'s output, converting the node (and what it reads) on first use. */
  private value(ref: string): string {
    const name = valueOf(ref);
    if (this.layouts.has(name)) return name;
    const node = this.nodes.get(name);
    if (!node) throw new TfjsToOnnxError(`the graph has no node ${name}`);
    this.layouts.set(name, this.convertNode(node));
    return name;
  }

  private convertNode(node: TfNode): Layout {
    const attr = node.attr ?? {};
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    switch (node.op) {
      case 'Placeholder':
        return this.placeholder(node, attr);
      case 'Identity':
        return this.unary('Identity', node, inputs);
      case 'Mul':
      case 'Sub':
      case 'AddV2':
      case 'Add':
        return this.elementwise(node, inputs);
      case '_FusedConv2D':
      case 'FusedDepthwiseConv2dNative':
        return this.conv(node, inputs, attr);
      case 'AvgPool':
        return this.avgPool(node, inputs, attr);
      case 'Squeeze':
        return this.squeeze(node, inputs, attr);
      case 'Const':
        throw new TfjsToOnnxError(`the constant ${node.name} is used where an activation is expected`);
      default:
        throw new TfjsToOnnxError(`the op ${node.op} (node ${node.name}) has no ONNX conversion here`);
    }
  }

  private placeholder(node: TfNode, attr: Record<string, TfAttr>): Layout {
    if (this.input) throw new TfjsToOnnxError(`the graph has two inputs (${this.input.name}, ${node.name})`);
    const shape = (attr.shape?.shape?.dim ?? []).map((d) => Number(d.size));
    if (shape.length !== 4 || shape.slice(1).some((d) => d <= 0)) {
      throw new TfjsToOnnxError(`the input ${node.name} is not a batch of fixed-size NHWC images`);
    }
    this.input = { name: node.name, shape };
    const float = this.emit(
      'Cast',
      ['images'],
      [this.temp()],
      [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
    );
    const scaled = this.emit('Div', [float, this.constant(new Float32Array([255]), [])], [this.temp()]);
    this.emit('Transpose', [scaled], [node.name], [ints('perm', [0, 3, 1, 2])]);
    return 'nchw';
  }

  private unary(op: string, node: TfNode, inputs: string[]): Layout {
    const x = this.value(inputs[0]);
    this.emit(op, [x], [node.name]);
    return this.layouts.get(x)!;
  }

  /** An op of two activations of one layout, or of an activation and a scalar constant. */
  private elementwise(node: TfNode, inputs: string[]): Layout {
    const op = node.op === 'AddV2' ? 'Add' : node.op;
    let layout: Layout | null = null;
    const args = inputs.map((ref) => {
      const n = this.nodes.get(valueOf(ref));
      if (n?.op === 'Const') {
        const w = this.weight(n.name);
        if (w.size !== 1) throw new TfjsToOnnxError(`${node.name}: only scalar constants are converted`);
        return this.constant(w.dataSync() as Float32Array, []);
      }
      const v = this.value(ref);
      const l = this.layouts.get(v)!;
      if (layout !== null && layout !== l) throw new TfjsToOnnxError(`${node.name}: inputs of different layouts`);
      layout = l;
      return v;
    });
    if (layout === null) throw new TfjsToOnnxError(`${node.name}: an op of constants only`);
    this.emit(op, args, [node.name]);
    return layout;
  }

  private conv(node: TfNode, inputs: string[], attr: Record<string, TfAttr>): Layout {
    const depthwise = node.op === 'FusedDepthwiseConv2dNative';
    requireNhwc(node, attr);
    const fused = (attr.fused_ops?.list?.s ?? []).map(decodeString);
    if (fused[0] !== 'BiasAdd' || fused.length > 2 || (fused[1] && fused[1] !== 'Relu' && fused[1] !== 'Relu6')) {
      throw new TfjsToOnnxError(`${node.name}: fused ops ${fused.join('+') || 'none'} are not converted`);
    }
    const x = this.value(inputs[0]);
    if (this.layouts.get(x) !== 'nchw') throw new TfjsToOnnxError(`${node.name}: the input is not an image tensor`);
    const w = this.weight(valueOf(inputs[1]));
    const bias = this.weight(valueOf(inputs[2]));
    if (w.rank !== 4) throw new TfjsToOnnxError(`${node.name}: weights of rank ${w.rank}`);
    const [h, wd, cin, cout] = w.shape;
    // TF: HWIO (depthwise: H × W × C × multiplier). ONNX: O × I/group × H × W, depthwise output channel c·M + m.
    const kernel = tf.tidy(() =>
      depthwise ? w.transpose([2, 3, 0, 1]).reshape([cin * cout, 1, h, wd]) : w.transpose([3, 2, 0, 1]),
    );
    const kernelName = this.constant(kernel.dataSync() as Float32Array, kernel.shape);
    kernel.dispose();
    const conv = fused[1] ? this.temp() : node.name;
    this.emit(
      'Conv',
      [x, kernelName, this.constant(bias.dataSync() as Float32Array, bias.shape)],
      [conv],
      [
        ints('kernel_shape', [h, wd]),
        ints('strides', spatial(attr.strides, node)),
        ints('dilations', spatial(attr.dilations, node)),
        padding(attr, node),
        ...(depthwise ? [{ name: 'group', type: onnx.AttributeProto.AttributeType.INT, i: cin }] : []),
      ],
    );
    if (fused[1] === 'Relu') this.emit('Relu', [conv], [node.name]);
    if (fused[1] === 'Relu6') {
      const lo = this.constant(new Float32Array([0]), []);
      const hi = this.constant(new Float32Array([6]), []);
      this.emit('Clip', [conv, lo, hi], [node.name]);
    }
    return 'nchw';
  }

  private avgPool(node: TfNode, inputs: string[], attr: Record<string, TfAttr>): Layout {
    requireNhwc(node, attr);
    const x = this.value(inputs[0]);
    this.emit(
      'AveragePool',
      [x],
      [node.name],
      [
        ints('kernel_shape', spatial(attr.ksize, node)),
        ints('strides', spatial(attr.strides, node)),
        padding(attr, node),
      ],
    );
    return 'nchw';
  }

  private squeeze(node: TfNode, inputs: string[], attr: Record<string, TfAttr>): Layout {
    const x = this.value(inputs[0]);
    const dims = (attr.squeeze_dims?.list?.i ?? []).map(Number).sort();
    if (this.layouts.get(x) !== 'nchw' || dims.join() !== '1,2') {
      throw new TfjsToOnnxError(`${node.name}: only the squeeze of an image tensor's spatial axes is converted`);
    }
    const axes = this.constant(BigInt64Array.from(dims.map((d) => BigInt(NCHW_AXIS[d]))), [dims.length]);
    this.emit('Squeeze', [x, axes], [node.name]);
    return 'plain';
  }

  private weight(name: string): tf.Tensor {
    const w = this.weights[name];
    if (!w) throw new TfjsToOnnxError(`the graph has no weights for ${name}`);
    return w;
  }

  /** A new initializer holding a copy of `values` (float32 or int64) of `dims`; its name. */
  private constant(values: Float32Array | BigInt64Array, dims: number[]): string {
    const name = `const_${this.initializers.length}`;
    const data = values.slice();
    this.initializers.push({
      name,
      dims,
      dataType: data instanceof Float32Array ? FLOAT : onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  private temp(): string {
    return `t_${this.uid++}`;
  }

  /** Appends a node; its first output. */
  private emit(op: string, input: string[], output: string[], attribute: Onnx.IAttributeProto[] = []): string {
    this.onnxNodes.push({ opType: op, input, output, attribute, name: `${op}_${this.onnxNodes.length}` });
    return output[0];
  }
}

function tensorType(name: string, elemType: number, dim: Onnx.TensorShapeProto.IDimension[]): Onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function ints(name: string, values: number[]): Onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function requireNhwc(node: TfNode, attr: Record<string, TfAttr>): void {
  const format = decodeString(attr.data_format?.s) || 'NHWC';
  if (format !== 'NHWC') throw new TfjsToOnnxError(`${node.name}: data format ${format} is not converted`);
}

/** The spatial part (H, W) of a TF NHWC attribute such as strides [1, sh, sw, 1]; [1, 1] when absent. */
function spatial(a: TfAttr | undefined, node: TfNode): number[] {
  const list = (a?.list?.i ?? []).map(Number);
  if (list.length === 0) return [1, 1];
  if (list.length !== 4 || list[0] !== 1 || list[3] !== 1) {
    throw new TfjsToOnnxError(`${node.name}: ${list.join(',')} is not an NHWC spatial attribute`);
  }
  return [list[1], list[2]];
}

/** TF's SAME pads the extra row and column at the end, which is ONNX's SAME_UPPER. */
function padding(attr: Record<string, TfAttr>, node: TfNode): Onnx.IAttributeProto {
  const p = decodeString(attr.padding?.s);
  if (p !== 'SAME' && p !== 'VALID') throw new TfjsToOnnxError(`${node.name}: padding ${p || 'none'} is not converted`);
  return {
    name: 'auto_pad',
    type: onnx.AttributeProto.AttributeType.STRING,
    s: Buffer.from(p === 'SAME' ? 'SAME_UPPER' : 'VALID'),
  };
}
