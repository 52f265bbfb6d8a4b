/** The image a user chose for search or classification: a lab item or a picked/dropped file. */
export type ImageChoice =
  | { kind: 'item'; itemId: number; name: string }
  | { kind: 'file'; base64: string; name: string; /** blob: URL for the preview */ url: string };

/** The contract's IMAGE parameter. */
export function imageParam(c: ImageChoice): { itemId: number } | { base64: string; name: string } {
  return c.kind === 'item' ? { itemId: c.itemId } : { base64: c.base64, name: c.name };
}

/** A key that changes when the choice does (to re-run requests). */
export function choiceKey(c: ImageChoice | null): string {
  if (!c) return '';
  return c.kind === 'item' ? `item:${c.itemId}` : `file:${c.name}:${c.base64.length}:${c.base64.slice(0, 64)}`;
}
