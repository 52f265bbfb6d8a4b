import { SvelteMap } from 'svelte/reactivity';
import type { NearlabClient } from '$api/client.ts';
import type { ItemDetail } from '$api/contract.ts';

/** Item details fetched once each, for results that carry only an id (captions under search hits). */
export class ItemCache {
  private readonly items = new SvelteMap<number, ItemDetail | null>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only: nothing renders from it
  private readonly pending = new Set<number>();

  constructor(private readonly client: NearlabClient) {}

  /** The item if known; otherwise starts fetching it and returns undefined (null when it is gone). */
  get(id: number): ItemDetail | null | undefined {
    const known = this.items.get(id);
    if (known !== undefined || this.pending.has(id)) return known;
    this.pending.add(id);
    this.client.api
      .item({ id })
      .then(
        (item) => this.items.set(id, item),
        () => this.items.set(id, null),
      )
      .finally(() => this.pending.delete(id));
    return undefined;
  }

  clear(): void {
    this.items.clear();
  }
}
