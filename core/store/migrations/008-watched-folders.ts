/**
 * Folder watching (issue 14): the imported folders a user switched watching on. While the app runs it watches
 * them and imports what changes; on the next start it watches them again. A folder removed from the lab stops
 * being watched with it (the row goes with its root).
 */
export const watchedFolders = `
CREATE TABLE watched_roots (
  root_id INTEGER PRIMARY KEY REFERENCES roots(id) ON DELETE CASCADE,
  watched_at TEXT NOT NULL
);
`;
