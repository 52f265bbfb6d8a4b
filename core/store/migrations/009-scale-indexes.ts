/**
 * Indexes the scale bench asked for (issue 14, test/bench/scale.bench.ts): the Library's and search's label
 * filter finds a label's items through `labels(name)` instead of reading every label row, in item order so the
 * first page of a label stops after its limit.
 */
export const scaleIndexes = `
CREATE INDEX labels_name ON labels(name, item_id);
`;
