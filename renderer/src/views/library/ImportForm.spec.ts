import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore } from '../../testing/fake-core.ts';
import ImportForm from './ImportForm.svelte';

let stop = () => {};
afterEach(() => stop());

describe('ImportForm', () => {
  it('sends startImport with the options chosen, leaving the rest to core', async () => {
    const { core } = labCore(0, { startImport: () => ({ jobId: 'j' }) });
    const app = fakeApp(core);
    stop = app.stop;
    render(ImportForm, { context: app.context });
    await fireEvent.input(screen.getByLabelText('Folder'), { target: { value: ' /photos ' } });
    await fireEvent.input(screen.getByLabelText('Captions file (optional)'), { target: { value: '/photos/c.csv' } });
    await fireEvent.click(screen.getByLabelText('Label from folder name'));
    await fireEvent.change(screen.getByLabelText('Split of new items'), { target: { value: 'test' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start import' }));
    await waitFor(() =>
      expect(core.lastParams('startImport')).toEqual({
        folder: '/photos',
        captionsFile: '/photos/c.csv',
        captionFromFilename: false,
        labelFromFolder: true,
        labelType: 'category',
        split: 'test',
      }),
    );
  });

  it('sends a holdout fraction with the automatic split', async () => {
    const { core } = labCore(0, { startImport: () => ({ jobId: 'j' }) });
    const app = fakeApp(core);
    stop = app.stop;
    render(ImportForm, { context: app.context });
    await fireEvent.input(screen.getByLabelText('Folder'), { target: { value: '/p' } });
    await fireEvent.input(screen.getByLabelText('Holdout fraction'), { target: { value: '0.2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start import' }));
    await waitFor(() => expect(core.lastParams('startImport')).toMatchObject({ folder: '/p', holdout: 0.2 }));
  });

  it('asks for a folder and shows refusals from core', async () => {
    const { core } = labCore(0, {
      startImport: () => {
        throw new Error('a import job is already running');
      },
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(ImportForm, { context: app.context });
    await fireEvent.click(screen.getByRole('button', { name: 'Start import' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Type the path of a folder');
    expect(core.paramsOf('startImport')).toHaveLength(0);
    await fireEvent.input(screen.getByLabelText('Folder'), { target: { value: '/p' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start import' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('already running'));
  });
});
