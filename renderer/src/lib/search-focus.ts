/**
 * The view's search box, for the `/` shortcut: an input registers itself while it is on screen.
 * Use as an attachment: `<input {@attach searchBox} />`.
 */
let current: HTMLInputElement | null = null;

export function searchBox(node: HTMLInputElement): () => void {
  current = node;
  return () => {
    if (current === node) current = null;
  };
}

/** Focuses the registered search box; false when no view has one. */
export function focusSearchBox(): boolean {
  if (!current) return false;
  current.focus();
  current.select();
  return true;
}

/** True when a key press goes to something the user types into. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
