import { describe, expect, it } from 'vitest';
import { dispatch } from '../api/rpc.ts';
import { DEFAULT_BACKBONE } from '../model/backbones/index.ts';
import { featureCoverage } from '../store/features.ts';
import { Lab } from '../store/lab.ts';
import { makeImage, tempDir, write } from '../../test/helpers/corpus.ts';
import { NearlabService } from './service.ts';
import { callApi } from './testing/call-api.ts';

const call = callApi;

describe('features jobs', () => {
  it('an import job queues a features job for the default backbone; startFeatures runs one on request', async () => {
    const folder = tempDir();
    for (let i = 0; i < 3; i++) write(folder, `img${i}.png`, await makeImage('png', i, 32));
    const lab = Lab.open(`${tempDir()}/f.lab`);
    const service = new NearlabService(lab, { featuresAfterImport: true });
    await call(service, 'startImport', { folder });
    await service.jobManager.idle();
    const features = service.jobManager.list().filter((j) => j.kind === 'features');
    expect(features).toHaveLength(1);
    expect(features[0]).toMatchObject({ status: 'done', result: { backbone: DEFAULT_BACKBONE, computed: 3 } });
    expect(featureCoverage(lab.db, DEFAULT_BACKBONE)).toEqual({ images: 3, done: 3, failed: 0 });
    expect((await call(service, 'info')).features).toEqual({ [DEFAULT_BACKBONE]: { images: 3, done: 3, failed: 0 } });

    // On request: nothing left to compute.
    const { jobId } = await call(service, 'startFeatures', {});
    await service.jobManager.idle();
    expect(service.jobManager.list().find((j) => j.id === jobId)).toMatchObject({
      kind: 'features',
      status: 'done',
      result: { computed: 0 },
    });
    const bad = await dispatch(service.api, 'startFeatures', { backbone: 'clip' });
    expect(bad).toMatchObject({
      ok: false,
      error: { kind: 'bad-request', message: expect.stringContaining('choose one of mobilenet_v2_mid') },
    });
    lab.close();
  });
});
