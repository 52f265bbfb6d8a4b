import type { ModelConfig } from './config.ts';
import { imageParamSpecs } from './image-tower.ts';
import { LOGIT_SCALE_INIT } from './losses.ts';
import { ParamLayout } from './params.ts';
import { textParamSpecs } from './text-tower.ts';

/** Every parameter of a model: image tower, text tower and the loss's logit scale. */
export function modelLayout(model: ModelConfig, vocabSize: number): ParamLayout {
  return new ParamLayout([
    ...imageParamSpecs(model),
    ...textParamSpecs({ vocabSize, embedDim: model.text.embedDim, hidden: model.text.hidden, dim: model.dim }),
    {
      name: 'loss.logScale',
      shape: [1],
      init: { kind: 'const', value: LOGIT_SCALE_INIT },
      trainable: true,
      decay: false,
    },
  ]);
}
