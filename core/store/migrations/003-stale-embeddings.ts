/**
 * An embedding is a function of its item's image content (kind 'image') or of its caption's text (kind 'caption').
 * These triggers drop an embedding as soon as what it was computed from goes away, whichever code changes the
 * lab: an item whose image changes (a re-imported file with new content, or one that failed to decode), an item
 * that is deleted, a caption that is deleted (caption rows are never edited, only added and removed). The item or
 * caption is then simply without an embedding from that model, so incremental embedding finds it again, and a
 * reused row id can never inherit an old vector. Items that go missing keep theirs: same content if they return.
 */
export const staleEmbeddings = `
CREATE TRIGGER embeddings_item_image_changed AFTER UPDATE OF image_id ON items
WHEN old.image_id IS NOT new.image_id
BEGIN
  DELETE FROM embeddings WHERE kind = 'image' AND ref_id = old.id;
END;

CREATE TRIGGER embeddings_item_deleted AFTER DELETE ON items
BEGIN
  DELETE FROM embeddings WHERE kind = 'image' AND ref_id = old.id;
END;

CREATE TRIGGER embeddings_caption_deleted AFTER DELETE ON captions
BEGIN
  DELETE FROM embeddings WHERE kind = 'caption' AND ref_id = old.id;
END;

CREATE INDEX embeddings_ref ON embeddings(kind, ref_id);
`;
