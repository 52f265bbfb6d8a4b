import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.ts';
import { modelEpochs } from '../../store/history.ts';
import { Lab } from '../../store/lab.ts';
import { getModel } from '../../store/models.ts';
import { createFixtureLab } from '../../store/testing/fixture-lab.ts';

const SMALL = ['--backbone', 'scratch', '--dim', '8', '--image-size', '16', '--workers', '1', '--seed', '3'];

describe('nearlab train', () => {
  it('warns when the train split has fewer pairs than a batch, and continues a finished run with --resume ID --epochs N', async () => {
    const fixture = createFixtureLab({ perPair: 3 });
    const path = fixture.path;
    fixture.close();

    const first = await runCli(['train', '--lab', path, '--epochs', '1', '--batch', '64', ...SMALL, '--json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^warning: the train split has \d+ image–text pairs, fewer than one batch of 64: /m);
    const { modelId } = JSON.parse(first.stdout) as { modelId: number };

    const refused = await runCli(['train', '--lab', path, '--resume', String(modelId)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `nearlab: model ${modelId} already finished training its 1 epoch; to continue it, ask for more epochs in total (e.g. --epochs 11)\n`,
    );

    const more = await runCli(['train', '--lab', path, '--resume', String(modelId), '--epochs', '2']);
    expect(more.code).toBe(0);
    expect(more.stdout).toMatch(new RegExp(`^model ${modelId}: trained 2 epochs in `));
    const lab = Lab.open(path);
    expect(getModel(lab.db, modelId)).toMatchObject({ status: 'done', epochsDone: 2 });
    expect(modelEpochs(lab.db, modelId).map((e) => e.epoch)).toEqual([0, 1]);
    lab.close();
  }, 180_000);
});
