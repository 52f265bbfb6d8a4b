import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeJob, makeModel, stopApps } from '../testing/fake-core.ts';
import ModelCoverage from './ModelCoverage.svelte';

afterEach(stopApps);

const partly = makeModel(3, {
  name: '#3 npair',
  coverage: { images: 150, items: 469, captions: 150, liveCaptions: 469 },
});
const whole = makeModel(2, { coverage: { images: 469, items: 469, captions: 469, liveCaptions: 469 } });

describe('ModelCoverage', () => {
  it('says when the model in use lacks embeddings of some images and embeds the rest on request', async () => {
    const { core } = labCore(2, {
      models: () => ({ models: [partly, whole] }),
      startEmbedding: () => ({ jobId: 'embed-1' }),
    });
    render(ModelCoverage, { context: fakeApp(core).context, props: { modelId: undefined } });
    const note = await screen.findByRole('status');
    expect(note.textContent?.replace(/\s+/g, ' ')).toContain('Model #3 npair covers 150 of 469 images');
    await fireEvent.click(screen.getByRole('button', { name: 'Embed the rest' }));
    await waitFor(() => expect(core.lastParams('startEmbedding')).toEqual({ modelId: 3 }));

    // While the embed job runs, its progress replaces the button.
    core.emit({
      type: 'job',
      job: makeJob({
        id: 'embed-1',
        kind: 'embed',
        progress: { phase: 'model 3 images', done: 100, total: 638, rate: 50, etaSeconds: 10 },
      }),
    });
    await waitFor(() =>
      expect(screen.getByRole('status').textContent?.replace(/\s+/g, ' ')).toContain('Embedding them… 100 / 638'),
    );
    expect(screen.queryByRole('button', { name: 'Embed the rest' })).toBeNull();
  });

  it('says nothing for a model that covers the lab, and names missing captions', async () => {
    const captionsOnly = makeModel(4, { coverage: { images: 10, items: 10, captions: 8, liveCaptions: 10 } });
    const { core } = labCore(2, { models: () => ({ models: [captionsOnly, whole] }) });
    const { app, context } = fakeApp(core);
    const { rerender } = render(ModelCoverage, { context, props: { modelId: 2 } });
    await waitFor(() => expect(app.models.models).toHaveLength(2));
    expect(screen.queryByRole('status')).toBeNull();
    await rerender({ modelId: 4 });
    expect((await screen.findByRole('status')).textContent).toContain('covers 8 of 10 captions');
  });
});
