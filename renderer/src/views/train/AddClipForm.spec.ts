import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeModel } from '../../testing/fake-core.ts';
import AddClipForm from './AddClipForm.svelte';

let stop = () => {};
afterEach(() => stop());

describe('AddClipForm', () => {
  it('opens on "Add your own CLIP…" and sends addModel with the folder and name', async () => {
    const model = makeModel(4, { kind: 'onnx-clip', backbone: null, loss: null, name: '#4 clip-b32' });
    const { core } = labCore(0, { addModel: () => ({ model, jobId: 'j1' }) });
    const app = fakeApp(core);
    stop = app.stop;
    const added: number[] = [];
    render(AddClipForm, { context: app.context, props: { onadded: (m) => added.push(m.id) } });
    expect(screen.queryByLabelText('CLIP folder')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Add your own CLIP…' }));
    await fireEvent.input(screen.getByLabelText('CLIP folder'), { target: { value: ' /models/clip-b32 ' } });
    await fireEvent.input(screen.getByLabelText('Name (optional)'), { target: { value: 'B/32' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add the model' }));
    await waitFor(() => expect(added).toEqual([4]));
    expect(core.lastParams('addModel')).toEqual({ folder: '/models/clip-b32', name: 'B/32' });
    // Closed again, ready for another.
    expect(screen.getByRole('button', { name: 'Add your own CLIP…' })).toBeTruthy();
  });

  it('asks for a folder, and shows why core refused one, keeping what was typed', async () => {
    const refusal = '/models/x/tokenizer.json: not valid JSON (Unexpected end of JSON input)';
    const { core } = labCore(0, {
      addModel: () => {
        throw new Error(refusal);
      },
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(AddClipForm, { context: app.context });
    await fireEvent.click(screen.getByRole('button', { name: 'Add your own CLIP…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Add the model' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Type the path of the folder');
    expect(core.paramsOf('addModel')).toHaveLength(0);
    await fireEvent.input(screen.getByLabelText('CLIP folder'), { target: { value: '/models/x' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add the model' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain(refusal));
    expect((screen.getByLabelText('CLIP folder') as HTMLInputElement).value).toBe('/models/x');
  });
});
