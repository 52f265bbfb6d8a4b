import * as tf from '@tensorflow/tfjs';

/**
 * Small tensor helpers chosen for speed on the wasm backend, where reductions over leading axes
 * transpose first and are slow, while XNNPACK's convolution (a GEMM) is fast.
 */

/**
 * Per-channel mean over N, H and W of an NHWC tensor. On wasm a full-window average pool
 * (XNNPACK, one contiguous pass) is ~30× faster than tf.mean over leading axes, which transposes.
 */
export function channelMean(x: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    if (tf.getBackend() !== 'wasm') return tf.mean(x, [0, 1, 2]) as tf.Tensor1D;
    const [, h, w, c] = x.shape;
    const pooled = tf.avgPool(x, [h, w], [h, w], 'valid');
    return tf.reshape(tf.mean(tf.reshape(pooled, [-1, c]), 0), [c]) as tf.Tensor1D;
  });
}

export interface ConvGradAttrs {
  strides: [number, number];
  pad: 'same' | 'valid';
}

/** ∂L/∂W of conv2d(x, W) given ∂L/∂y, through the backend's Conv2DBackpropFilter kernel. */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvGradAttrs,
): tf.Tensor4D {
  return tf
    .engine()
    .runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      { strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC', filterShape },
    ) as tf.Tensor4D;
}

/** ∂L/∂x of conv2d(x, W) given ∂L/∂y, through the backend's Conv2DBackpropInput kernel. */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  attrs: ConvGradAttrs,
): tf.Tensor4D {
  return tf
    .engine()
    .runKernel(
      'Conv2DBackpropInput',
      { dy, filter },
      { strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC', inputShape },
    ) as tf.Tensor4D;
}
