import { importFolder } from '../../core/data/import/import-folder.ts';
import { train } from '../../core/model/trainer.ts';
import { Lab } from '../../core/store/lab.ts';

/**
 * A lab at `labPath` with the images of `folder` imported and one tiny model trained on them (a small CNN from scratch on 16-px
 * inputs, `epochs` epochs, in this thread): what the integration tests search and embed with. Returns the model id.
 */
export async function labWithTinyModel(labPath: string, folder: string, epochs: number): Promise<number> {
  const lab = Lab.open(labPath);
  try {
    await importFolder(lab, folder);
    const r = await train(
      lab,
      {
        epochs,
        batchSize: 32,
        lr: 3e-3,
        model: {
          backbone: 'scratch',
          imageSize: 16,
          widths: [8, 16],
          dim: 16,
          text: { embedDim: 16, hidden: 32, buckets: 256 },
        },
      },
      { threads: 'local' },
    );
    return r.modelId;
  } finally {
    lab.close();
  }
}
