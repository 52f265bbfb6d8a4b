/**
 * Keyword search over captions: an FTS5 index of captions.text (external content: the text is stored once, in
 * captions; the index holds only its tokens, keyed by captions.id). The unicode61 tokenizer folds case and, with
 * remove_diacritics 2, accents (Café = cafe, Ñandú = nandu), so captions in other languages than English match too.
 * Filled from the captions already in the lab, then kept in step by triggers whichever code changes captions
 * (rows are added and removed, never edited; the update trigger keeps the index right should that change). An
 * external-content index must be told the old text of a row it forgets, hence the 'delete' commands.
 */
export const captionSearch = `
CREATE VIRTUAL TABLE captions_fts USING fts5(
  text,
  content = 'captions',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO captions_fts(captions_fts) VALUES ('rebuild');

CREATE TRIGGER captions_fts_inserted AFTER INSERT ON captions
BEGIN
  INSERT INTO captions_fts(rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER captions_fts_deleted AFTER DELETE ON captions
BEGIN
  INSERT INTO captions_fts(captions_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER captions_fts_updated AFTER UPDATE ON captions
BEGIN
  INSERT INTO captions_fts(captions_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO captions_fts(rowid, text) VALUES (new.id, new.text);
END;
`;
