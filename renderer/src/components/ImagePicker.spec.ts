import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore } from '../testing/fake-core.ts';
import ImagePickerHarness from './ImagePickerHarness.svelte';

let stop = () => {};
afterEach(() => stop());

function show() {
  const { core } = labCore(8);
  const app = fakeApp(core);
  stop = app.stop;
  render(ImagePickerHarness, { context: app.context });
  return core;
}

describe('ImagePicker', () => {
  it('reads a chosen file as base64', async () => {
    show();
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'cat.png', { type: 'image/png' });
    await fireEvent.change(screen.getByLabelText('Choose an image file'), { target: { files: [file] } });
    await waitFor(() => expect(screen.getByTestId('choice').textContent).toBe('file cat.png iVBORw=='));
    expect(screen.getByTestId('chosen-image').textContent).toBe('cat.png');
  });

  it('takes a dropped image and refuses a file that is not one', async () => {
    show();
    const group = screen.getByRole('group', { name: 'Query image' });
    const text = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    await fireEvent.drop(group, { dataTransfer: { files: [text] } });
    expect((await screen.findByRole('alert')).textContent).toContain('notes.txt is not an image');
    const png = new File([new Uint8Array([1, 2, 3])], 'x.png', { type: 'image/png' });
    await fireEvent.drop(group, { dataTransfer: { files: [png] } });
    await waitFor(() => expect(screen.getByTestId('choice').textContent).toBe('file x.png AQID'));
  });

  it('picks an item of the lab, searching by caption', async () => {
    const core = show();
    await fireEvent.click(screen.getByRole('button', { name: 'Pick from lab' }));
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Find an item by caption or file name' }), {
      target: { value: 'item 7' },
    });
    await waitFor(() => expect(core.lastParams('listItems')).toEqual({ limit: 40, text: 'item 7' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Pick caption of item 7' }));
    expect(screen.getByTestId('choice').textContent).toBe('item 7');
    await fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(screen.getByTestId('choice').textContent).toBe('none');
  });
});
