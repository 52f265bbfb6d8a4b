import { describe, expect, it } from 'vitest';
import { createModel, ModelNotFoundError } from '../store/models.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import { defaultTrainConfig } from './config.ts';
import {
  NotTrainedModelError,
  parseStoredConfig,
  readModelConfig,
  readModelKind,
  readStoredModel,
  StoredModelError,
} from './stored.ts';
import { Tokenizer } from './tokenizer.ts';

describe('stored models', () => {
  const config = defaultTrainConfig();
  const tokenizer = Tokenizer.build(['a red square', 'a blue disc']).spec;
  const model = { data: { trainPairs: 2 }, backend: 'wasm' };

  it('reads a model’s configuration and tokenizer back through their schemas', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const id = createModel(lab.db, { ...model, config, tokenizer });
    const stored = readStoredModel(lab.db, id);
    expect(stored).toMatchObject({ id, status: 'running', data: { trainPairs: 2 } });
    expect(stored.config).toEqual(config);
    expect(stored.tokenizer).toEqual(tokenizer);
    expect(Tokenizer.fromSpec(stored.tokenizer).encode('a red disc')).toEqual(
      Tokenizer.fromSpec(tokenizer).encode('a red disc'),
    );
    expect(readModelConfig(lab.db, id)).toEqual(config);
    expect(() => readStoredModel(lab.db, id + 1)).toThrow(ModelNotFoundError);
    lab.close();
  });

  it('names the model whose stored configuration or tokenizer does not parse', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const badLoss = createModel(lab.db, { ...model, config: { ...config, loss: { kind: 'hinge' } }, tokenizer });
    expect(() => readModelConfig(lab.db, badLoss)).toThrow(StoredModelError);
    expect(() => readModelConfig(lab.db, badLoss)).toThrow(
      `model ${badLoss}: its stored configuration cannot be read (loss.kind: `,
    );
    const { epochs: _, ...noEpochs } = config;
    const missing = createModel(lab.db, { ...model, config: noEpochs, tokenizer });
    expect(() => readStoredModel(lab.db, missing)).toThrow(`model ${missing}: its stored configuration`);
    const badTokenizer = createModel(lab.db, { ...model, config, tokenizer: { ...tokenizer, words: 'a b' } });
    expect(() => readStoredModel(lab.db, badTokenizer)).toThrow(
      `model ${badTokenizer}: its stored tokenizer cannot be read (words: `,
    );
    lab.close();
  });

  it('reads each kind of model by its kind: absent is trained, backbone features name their backbone', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const trained = createModel(lab.db, { ...model, config, tokenizer });
    const features = { kind: 'backbone', backbone: 'tiny', dim: 6, inputSize: 16 };
    const backbone = createModel(lab.db, { ...model, config: features, tokenizer: {} });
    expect(readModelKind(lab.db, trained)).toBe('trained');
    expect(readModelKind(lab.db, backbone)).toBe('backbone');
    expect(parseStoredConfig({ ...config, kind: 'trained' }, trained)).toEqual({ kind: 'trained', config });
    expect(parseStoredConfig(features, backbone)).toEqual({ kind: 'backbone', config: features });
    expect(() => parseStoredConfig({ ...features, backbone: undefined }, backbone)).toThrow(
      `model ${backbone}: its stored configuration cannot be read (backbone: `,
    );
    expect(() => parseStoredConfig({ kind: 'hologram' }, 9)).toThrow('model 9: its stored configuration');
    // What only a training run has (its configuration, to resume or warm-start from) is refused by name.
    expect(() => readStoredModel(lab.db, backbone)).toThrow(NotTrainedModelError);
    expect(() => readModelConfig(lab.db, backbone)).toThrow(`model ${backbone} is backbone features`);
    lab.close();
  });
});
