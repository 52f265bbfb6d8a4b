/**
 * A value that follows `get()` once it has stopped changing for `ms`. Create it while a component
 * initialises (it uses an effect).
 */
export class Debounced<T> {
  current = $state() as T;

  constructor(get: () => T, ms = 250) {
    this.current = get();
    $effect(() => {
      const v = get();
      if (Object.is(v, this.current)) return;
      const timer = setTimeout(() => (this.current = v), ms);
      return () => clearTimeout(timer);
    });
  }
}
