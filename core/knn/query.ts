import { KnnArgumentError, QueryParseError, ShapeError } from './errors.ts';

/** One term of a query expression: text in quotes, or an image path; weight includes the sign. */
export interface QueryTerm {
  weight: number;
  kind: 'text' | 'image';
  value: string;
}

const WEIGHT = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?:/;

/**
 * Parses `2:"red apple" + ./photo.png - "green"` into terms. Grammar:
 *   expr := [sign] term (sign term)*      sign := '+' | '-'
 *   term := [number ':'] ( '"' text '"' | path )
 * Text may contain \" and \\ escapes. A path runs to the next whitespace and may not contain '"'.
 * Errors are QueryParseError with a 1-based column.
 */
export function parseQuery(input: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  let i = 0;
  const n = input.length;
  const skip = (): void => {
    while (i < n && /\s/.test(input[i])) i++;
  };
  skip();
  if (i === n) throw new QueryParseError('the query is empty', 1);
  let sign = 1;
  let signCol = 0;
  if (input[i] === '+' || input[i] === '-') {
    sign = input[i] === '-' ? -1 : 1;
    signCol = i + 1;
    i++;
    skip();
  }
  for (;;) {
    if (i === n) {
      throw new QueryParseError(
        signCol > 0 ? `expected a term after '${sign < 0 ? '-' : '+'}'` : 'expected a term',
        signCol > 0 ? signCol : i + 1,
      );
    }
    let weight = 1;
    const m = WEIGHT.exec(input.slice(i));
    if (m !== null) {
      weight = Number(m[0].slice(0, -1));
      i += m[0].length;
      if (i === n || /\s/.test(input[i]))
        throw new QueryParseError(`expected a quoted text or an image path after the weight '${m[0]}'`, i + 1);
    }
    const start = i;
    if (input[i] === '+' || input[i] === '-')
      throw new QueryParseError(`unexpected '${input[i]}'; expected a term`, i + 1);
    if (input[i] === '"') {
      i++;
      let value = '';
      for (;;) {
        if (i >= n) throw new QueryParseError('unterminated quoted text (missing closing ")', start + 1);
        const ch = input[i];
        if (ch === '\\' && i + 1 < n && (input[i + 1] === '"' || input[i + 1] === '\\')) {
          value += input[i + 1];
          i += 2;
        } else if (ch === '"') {
          i++;
          break;
        } else {
          value += ch;
          i++;
        }
      }
      if (value.trim() === '') throw new QueryParseError('quoted text is empty', start + 1);
      terms.push({ weight: sign * weight, kind: 'text', value });
    } else {
      while (i < n && !/\s/.test(input[i])) {
        if (input[i] === '"')
          throw new QueryParseError("unexpected '\"' inside an image path; separate terms with + or -", i + 1);
        i++;
      }
      terms.push({ weight: sign * weight, kind: 'image', value: input.slice(start, i) });
    }
    skip();
    if (i === n) return terms;
    if (input[i] !== '+' && input[i] !== '-') {
      throw new QueryParseError(`expected '+' or '-' between terms, found '${input[i]}'`, i + 1);
    }
    sign = input[i] === '-' ? -1 : 1;
    signCol = i + 1;
    i++;
    skip();
  }
}

/** Weighted sum of the term vectors (same order as the terms), L2-normalised. */
export function combineQuery(terms: readonly QueryTerm[], vectors: readonly ArrayLike<number>[]): Float32Array {
  if (terms.length === 0) throw new KnnArgumentError('a query needs at least one term');
  if (vectors.length !== terms.length) throw new ShapeError(`${terms.length} terms but ${vectors.length} vectors`);
  const dim = vectors[0].length;
  const sum = new Float64Array(dim);
  terms.forEach((t, i) => {
    const v = vectors[i];
    if (v.length !== dim)
      throw new ShapeError(`vector for term ${i + 1} ('${t.value}') is ${v.length}-d, expected ${dim}`);
    for (let j = 0; j < dim; j++) sum[j] += t.weight * v[j];
  });
  let s = 0;
  for (let j = 0; j < dim; j++) s += sum[j] * sum[j];
  if (!(s > 0) || !Number.isFinite(s)) {
    throw new KnnArgumentError('the weighted terms cancel out (zero vector); change the weights or the terms');
  }
  const norm = Math.sqrt(s);
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) out[j] = sum[j] / norm;
  return out;
}
