/**
 * The ONNX graph behind the ONNX Runtime search kernel, written straight to protobuf bytes (a handful of
 * fields of onnx.proto; a protobuf library would be a dependency for ~40 lines):
 *
 *   S = alpha · Q·Gᵀ + B      (Gemm, transB = 1: the gallery is used as stored, row-major, never copied)
 *   V, I = TopK(S, K)         (largest first, per query row)
 *
 * Q [nq, d], G [n, d], B [n] and K [1] (int64) are inputs, so one session serves every query batch, filter
 * (B = −∞ on rows filtered out) and k.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

class ProtoWriter {
  private readonly bytes: number[] = [];

  private varint(value: number): void {
    // Negative int64 values (two's complement, 10 bytes) never occur here; refuse rather than mis-encode.
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`);
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    this.bytes.push(...new Uint8Array(Float32Array.of(value).buffer));
    return this;
  }

  raw(field: number, data: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.varint(data.length);
    this.bytes.push(...data);
    return this;
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.raw(field, m.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const msg = () => new ProtoWriter();

// onnx.proto enums.
const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const IR_VERSION = 8;
const OPSET = 17;

type Dim = number | string;

function valueInfo(name: string, elemType: number, dims: Dim[]): ProtoWriter {
  const shape = msg();
  for (const d of dims) shape.message(1, typeof d === 'string' ? msg().string(2, d) : msg().int(1, d));
  const tensorType = msg().int(1, elemType).message(2, shape);
  return msg().string(1, name).message(2, msg().message(1, tensorType));
}

function node(
  op: string,
  inputs: string[],
  outputs: string[],
  attrs: { name: string; int?: number; float?: number }[],
): ProtoWriter {
  const n = msg();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(4, op);
  for (const a of attrs) {
    const attr = msg().string(1, a.name);
    if (a.float !== undefined) attr.float(2, a.float).int(20, ATTR_FLOAT);
    else attr.int(3, a.int ?? 0).int(20, ATTR_INT);
    n.message(5, attr);
  }
  return n;
}

/** Serialized ONNX model computing the top K of alpha·Q·Gᵀ + B per row of Q (values V, row indices I). */
export function scoreTopKModel(alpha: number): Uint8Array {
  const graph = msg()
    .message(
      1,
      node(
        'Gemm',
        ['Q', 'G', 'B'],
        ['S'],
        [
          { name: 'alpha', float: alpha },
          { name: 'transB', int: 1 },
        ],
      ),
    )
    .message(
      1,
      node(
        'TopK',
        ['S', 'K'],
        ['V', 'I'],
        [
          { name: 'largest', int: 1 },
          { name: 'sorted', int: 1 },
        ],
      ),
    )
    .string(2, 'nearlab_topk')
    .message(11, valueInfo('Q', FLOAT, ['nq', 'd']))
    .message(11, valueInfo('G', FLOAT, ['n', 'd']))
    .message(11, valueInfo('B', FLOAT, ['n']))
    .message(11, valueInfo('K', INT64, [1]))
    .message(12, valueInfo('V', FLOAT, ['nq', 'k']))
    .message(12, valueInfo('I', INT64, ['nq', 'k']));
  return msg()
    .int(1, IR_VERSION)
    .string(2, 'nearlab')
    .message(7, graph)
    .message(8, msg().string(1, '').int(2, OPSET))
    .finish();
}
