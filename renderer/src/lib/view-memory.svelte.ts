/**
 * What each view was showing (its query, mode, K, metric, tab…), kept while the user is in another view: App
 * mounts one view at a time, so state held by the view itself would be lost at every switch.
 */
export class ViewMemory {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a registry; each entry is itself deeply reactive
  private readonly saved = new Map<string, object>();

  /** The state of `view`: made from `initial` the first time it is asked for, the same object every time after. */
  of<T extends object>(view: string, initial: () => T): T {
    const known = this.saved.get(view);
    if (known) return known as T;
    const state = $state(initial());
    this.saved.set(view, state);
    return state;
  }
}
