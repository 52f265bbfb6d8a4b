import { Tokenizer } from '@huggingface/tokenizers';

/** A tokenizer.json that cannot serve a CLIP text model: the problem, for the caller to put beside the file name. */
export class TokenizerProblem extends Error {}

/** Token ids of a batch of texts, padded to one length, as the text model's inputs. */
export interface EncodedBatch {
  /** Row-major [rows × length]. */
  ids: number[];
  mask: number[];
  rows: number;
  length: number;
}

/**
 * A CLIP tokenizer from a Hugging Face tokenizer.json (and tokenizer_config.json when there is one), run by
 * @huggingface/tokenizers: byte-level BPE with CLIP's normaliser, pre-tokeniser and start/end tokens. Texts are
 * truncated to `maxLength` tokens (keeping the end token, where CLIP's text model pools) and padded to it.
 */
export class ClipTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    /** One more than the largest id: the embedding table the text model needs. */
    readonly vocabSize: number,
    readonly maxLength: number,
    readonly padId: number,
  ) {}

  /** Builds the tokenizer from the files' parsed JSON; throws a TokenizerProblem when it cannot serve CLIP. */
  static create(json: unknown, config: unknown, maxLength: number): ClipTokenizer {
    if (!isObject(json) || !isObject(json.model)) throw new TokenizerProblem('not a tokenizers JSON file (no model)');
    const cfg = isObject(config) ? config : {};
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, cfg);
    } catch (e) {
      throw new TokenizerProblem(`@huggingface/tokenizers cannot read it (${(e as Error).message})`);
    }
    const vocab = tokenizer.get_vocab(true);
    if (vocab.size === 0) throw new TokenizerProblem('its vocabulary is empty');
    let maxId = 0;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    let probe: number[];
    try {
      probe = tokenizer.encode('a photo').ids;
    } catch (e) {
      throw new TokenizerProblem(`it fails on a plain text (${(e as Error).message})`);
    }
    const end = probe[probe.length - 1];
    if (probe.length < 2 || !tokenizer.get_added_tokens_decoder().has(end))
      throw new TokenizerProblem(
        'it adds no end-of-text token (CLIP pools its text at that token): its post_processor is missing',
      );
    const pad = padToken(cfg, json);
    const padId = pad === null ? end : tokenizer.token_to_id(pad);
    if (padId === undefined) throw new TokenizerProblem(`its padding token ${pad} is not in its vocabulary`);
    return new ClipTokenizer(tokenizer, maxId + 1, maxLength, padId);
  }

  /** Token ids of one text, with the start and end tokens, truncated to maxLength (the end token kept). */
  encode(text: string): number[] {
    const ids = this.tokenizer.encode(text).ids;
    if (ids.length <= this.maxLength) return ids;
    return [...ids.slice(0, this.maxLength - 1), ids[ids.length - 1]];
  }

  /** The texts' ids padded to maxLength, with their attention mask. */
  encodeBatch(texts: readonly string[]): EncodedBatch {
    const length = this.maxLength;
    const ids = new Array<number>(texts.length * length).fill(this.padId);
    const mask = new Array<number>(texts.length * length).fill(0);
    texts.forEach((t, r) => {
      this.encode(t).forEach((id, k) => {
        ids[r * length + k] = id;
        mask[r * length + k] = 1;
      });
    });
    return { ids, mask, rows: texts.length, length };
  }

  /** The id of the vocabulary's largest token, to check that the text model's embedding table holds it. */
  get largestId(): number {
    return this.vocabSize - 1;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The padding token: tokenizer_config.json's pad_token, else tokenizer.json's padding, else none (end token). */
function padToken(config: Record<string, unknown>, json: Record<string, unknown>): string | null {
  const pad = config.pad_token;
  if (typeof pad === 'string') return pad;
  if (isObject(pad) && typeof pad.content === 'string') return pad.content;
  const padding = json.padding;
  if (isObject(padding) && typeof padding.pad_token === 'string') return padding.pad_token;
  return null;
}
