import type { Transport } from '$api/client.ts';
import type { ApiEvent, MethodName } from '$api/contract.ts';

type CallResult = Awaited<ReturnType<Transport['call']>>;

/** 'lost': reconnecting failed too many times in a row; nothing is tried again until retry(). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'lost';

export interface HttpTransportOptions {
  /** Where `nearlab serve` listens, e.g. `http://127.0.0.1:5123` (the page's own origin). */
  origin: string;
  /** The token from the URL the server printed; the server also sets it as a cookie. */
  token: string | null;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** First and longest wait before reconnecting the event socket. */
  retryMs?: { min: number; max: number };
  /**
   * Failed reconnects in a row before giving up (default 10: about a minute with the default waits). A server
   * started again listens on a new port with a new token, so a tab would otherwise try forever.
   */
  giveUpAfter?: number;
}

const TOKEN_HEADER = 'x-nearlab-token';

function isRpcResponse(v: unknown): v is CallResult {
  return typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';
}

/**
 * Browser mode: calls are `POST /api/<method>` with a JSON body; events come over a WebSocket at
 * `/events` that reconnects with backoff. After a reconnect listeners get a `lab-changed` event,
 * since anything may have changed while the socket was down.
 */
export class HttpTransport implements Transport {
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wait: number;
  private opened = false;
  private disposed = false;
  private failures = 0;
  state: ConnectionState = 'connecting';

  constructor(private readonly options: HttpTransportOptions) {
    this.wait = options.retryMs?.min ?? 500;
  }

  async call(method: MethodName, params: unknown): Promise<CallResult> {
    const doFetch = this.options.fetch ?? fetch;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.token) headers[TOKEN_HEADER] = this.options.token;
    let res: Response;
    try {
      res = await doFetch(`${this.options.origin}/api/${method}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers,
        body: JSON.stringify(params ?? {}),
      });
    } catch (e) {
      return {
        ok: false,
        error: {
          kind: 'network',
          message: `cannot reach the Nearlab server (${(e as Error).message}); is \`nearlab serve\` still running?`,
        },
      };
    }
    const text = await res.text();
    try {
      const body: unknown = JSON.parse(text);
      if (isRpcResponse(body)) return body;
    } catch {
      // Not JSON: a refusal or a server error in plain text, reported below.
    }
    const refused = res.status === 401 || res.status === 403;
    return {
      ok: false,
      error: { kind: refused ? 'refused' : 'http', message: text.trim() || `the server answered HTTP ${res.status}` },
    };
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.socket && !this.timer) this.connect();
    return () => {
      this.listeners.delete(listener);
    };
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  mediaUrl(kind: 'thumb' | 'file', itemId: number): string {
    return `${this.options.origin}/media/${kind}/${itemId}`;
  }

  /** Connects again after the transport gave up ('lost'), from the first, shortest wait. */
  retry(): void {
    if (this.disposed || this.socket || this.timer) return;
    this.failures = 0;
    this.wait = this.options.retryMs?.min ?? 500;
    this.setState('reconnecting');
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private connect(): void {
    this.timer = null;
    if (this.disposed) return;
    const Ws = this.options.WebSocket ?? WebSocket;
    const url = new URL('/events', this.options.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.options.token) url.searchParams.set('token', this.options.token);
    const socket = new Ws(url.href);
    this.socket = socket;
    socket.onopen = () => {
      this.wait = this.options.retryMs?.min ?? 500;
      this.failures = 0;
      const again = this.opened;
      this.opened = true;
      this.setState('open');
      if (again) this.deliver({ type: 'lab-changed' });
    };
    socket.onmessage = (m: MessageEvent) => {
      let e: unknown;
      try {
        e = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (
        typeof e === 'object' &&
        e !== null &&
        ((e as ApiEvent).type === 'job' || (e as ApiEvent).type === 'lab-changed')
      ) {
        this.deliver(e as ApiEvent);
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.disposed) return;
      // `failures` counts the reconnects since the socket was last open: all of them failed.
      if (this.failures++ >= (this.options.giveUpAfter ?? 10)) {
        this.setState('lost');
        return;
      }
      this.setState('reconnecting');
      this.timer = setTimeout(() => this.connect(), this.wait);
      this.wait = Math.min(this.wait * 2, this.options.retryMs?.max ?? 8000);
    };
  }

  private deliver(e: ApiEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        console.error('event listener failed', err);
      }
    }
  }
}
