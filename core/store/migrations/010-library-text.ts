/**
 * The Library's text filter through an index (issue 14: its first page at 100,000 items in ≤ 50 ms, where a
 * `lower(...) LIKE` scan of every path and caption took 200+ ms). item_words holds, per live item (status 'ok';
 * rowid = items.id), the words of its path (relative to its root) and of all its captions, cut by the unicode61
 * tokenizer with remove_diacritics 2 like captions_fts (case and accents folded; `_`, `/`, `.`, `-` and other
 * punctuation separate words). Prefix indexes of 1 and 2 characters keep a filter of one or two typed letters
 * fast. The index is contentless (the text is in items and captions) with contentless_delete, so an item's row
 * can be dropped by rowid and written again whole whenever its path, status or captions change; the triggers
 * below do that whichever code makes the change. An update that leaves status and path as they were (an
 * import's upsert of an unchanged file) does not touch the index.
 *
 * items_id_filter lets the Library check a label's or a text's items for being live and in a split from a narrow
 * index instead of the items rows (a quarter of the pages: what a first page costs when the lab is not in memory).
 */
const itemText = (id: string) => `(SELECT i.path || coalesce(char(10) ||
    (SELECT group_concat(c.text, char(10)) FROM captions c WHERE c.item_id = i.id), '')
  FROM items i WHERE i.id = ${id} AND i.status = 'ok')`;

/** Drops item `id`'s row and, when the item is live, writes it again from its path and captions. */
const rewrite = (id: string) => `
  DELETE FROM item_words WHERE rowid = ${id};
  INSERT INTO item_words(rowid, words) SELECT ${id}, t FROM (SELECT ${itemText(id)} AS t) WHERE t IS NOT NULL;`;

export const libraryText = `
CREATE INDEX items_id_filter ON items(id, status, split);

CREATE VIRTUAL TABLE item_words USING fts5(
  words,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2'
);

INSERT INTO item_words(rowid, words)
SELECT i.id, i.path || coalesce(char(10) ||
  (SELECT group_concat(c.text, char(10)) FROM captions c WHERE c.item_id = i.id), '')
FROM items i WHERE i.status = 'ok';

CREATE TRIGGER item_words_item_added AFTER INSERT ON items WHEN new.status = 'ok'
BEGIN ${rewrite('new.id')}
END;

CREATE TRIGGER item_words_item_changed AFTER UPDATE OF status, path ON items
  WHEN old.status IS NOT new.status OR old.path IS NOT new.path
BEGIN ${rewrite('new.id')}
END;

CREATE TRIGGER item_words_item_removed AFTER DELETE ON items
BEGIN
  DELETE FROM item_words WHERE rowid = old.id;
END;

CREATE TRIGGER item_words_caption_added AFTER INSERT ON captions
BEGIN ${rewrite('new.item_id')}
END;

CREATE TRIGGER item_words_caption_removed AFTER DELETE ON captions
BEGIN ${rewrite('old.item_id')}
END;

CREATE TRIGGER item_words_caption_changed AFTER UPDATE OF item_id, text ON captions
BEGIN ${rewrite('old.item_id')}${rewrite('new.item_id')}
END;
`;
