import { untrack } from 'svelte';

/**
 * A value that follows `get()` once it has stopped changing for `ms`. Create it while a component
 * initialises (it uses an effect, which depends on what `get` reads and not on `current` itself:
 * otherwise a `get` that builds a new array each time would set `current` again every `ms`, forever).
 */
export class Debounced<T> {
  current = $state() as T;

  constructor(get: () => T, ms = 250) {
    this.current = get();
    $effect(() => {
      const v = get();
      if (
        Object.is(
          v,
          untrack(() => this.current),
        )
      )
        return;
      const timer = setTimeout(() => (this.current = v), ms);
      return () => clearTimeout(timer);
    });
  }
}
