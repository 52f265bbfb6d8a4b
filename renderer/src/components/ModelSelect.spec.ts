import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeModel, stopApps } from '../testing/fake-core.ts';
import ModelSelect from './ModelSelect.svelte';

afterEach(stopApps);

describe('ModelSelect', () => {
  it('offers the newest model (core picks it) and every finished run, and binds the chosen id', async () => {
    const { core } = labCore(2, {
      models: () => ({
        models: [
          makeModel(1, { loss: 'triplet' }),
          makeModel(2, { status: 'training' }),
          makeModel(3, { name: 'wide', status: 'failed' }),
          makeModel(4),
          makeModel(5, { backbone: 'mobilenet_v2_mid' }),
          makeModel(6, { name: '#6 backbone features (mobilenet_v2_mid)', kind: 'backbone', loss: null }),
        ],
      }),
    });
    const bound: { value: number | undefined } = { value: 4 };
    render(ModelSelect, {
      context: fakeApp(core).context,
      props: {
        get value() {
          return bound.value;
        },
        set value(v: number | undefined) {
          bound.value = v;
        },
      },
    });
    const select = screen.getByLabelText('Model') as HTMLSelectElement;
    await waitFor(() => expect(select.options).toHaveLength(5));
    expect(Array.from(select.options, (o) => o.textContent)).toEqual([
      'Newest trained model',
      '#6 backbone features (mobilenet_v2_mid) (image only)',
      '#5 run-5 (npair on mobilenet_v2_mid)',
      '#4 run-4 (npair)',
      '#1 run-1 (triplet)',
    ]);
    expect(select.value).toBe('4');
    await fireEvent.change(select, { target: { value: '1' } });
    expect(bound.value).toBe(1);
    await fireEvent.change(select, { target: { value: '' } });
    expect(bound.value).toBeUndefined();
  });
});
