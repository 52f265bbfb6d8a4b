import { isLit, type ModelConfig } from './config.ts';
import { headParamSpecs } from './head-tower.ts';
import { imageParamSpecs } from './image-tower.ts';
import { LOGIT_SCALE_INIT } from './losses.ts';
import { ParamLayout } from './params.ts';
import { textParamSpecs } from './text-tower.ts';

/** Every parameter of a model: image tower (the CNN, or a LiT head), text tower and the loss's logit scale. */
export function modelLayout(model: ModelConfig, vocabSize: number): ParamLayout {
  const image = isLit(model) && model.head ? headParamSpecs({ ...model.head, dim: model.dim }) : imageParamSpecs(model);
  return new ParamLayout([
    ...image,
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
