/**
 * Hash routes (`#/search?item=12`): they work the same from Electron's file or protocol URL and
 * from `nearlab serve`, whose own query string carries the token.
 */
export class Router {
  path = $state('library');
  params = $state.raw<Record<string, string>>({});

  constructor(private readonly win: Window = window) {
    this.read();
  }

  start(): () => void {
    const onChange = () => this.read();
    this.win.addEventListener('hashchange', onChange);
    return () => this.win.removeEventListener('hashchange', onChange);
  }

  go(path: string, params: Record<string, string | number> = {}): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a temporary for building the hash
    const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    const hash = `#/${path}${q ? `?${q}` : ''}`;
    if (this.win.location.hash !== hash) this.win.location.hash = hash;
    // hashchange fires asynchronously; update now so the view switches at once.
    this.path = path;
    this.params = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
  }

  href(path: string): string {
    return `#/${path}`;
  }

  private read(): void {
    const raw = this.win.location.hash.replace(/^#\/?/, '');
    const [path, query = ''] = raw.split('?');
    this.path = path || 'library';
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a temporary for parsing the hash
    this.params = Object.fromEntries(new URLSearchParams(query));
  }
}
