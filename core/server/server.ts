import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { ApiEvent } from '../api/contract.ts';
import { dispatch } from '../api/rpc.ts';
import { openOriginalFile } from '../service/media.ts';
import type { NearlabService } from '../service/service.ts';
import { TOKEN_COOKIE, checkRequest, newToken } from './auth.ts';
import { discardRest, readJsonBody } from './body.ts';
import { sendFile } from './send-file.ts';
import { contentType } from '../util/content-type.ts';
import { openRegularFile } from '../util/regular-file.ts';

export interface ServerOptions {
  service: NearlabService;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      // Svelte sets style attributes for transitions and dynamic sizes; no remote styles.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** The request's URL, or null when it cannot be parsed (`//`, say). */
function requestUrl(req: IncomingMessage, port: number): URL | null {
  try {
    return new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  } catch {
    return null;
  }
}

/** A URL path's % escapes decoded, or null when one is malformed. */
function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/** Browser mode: the renderer and the API over HTTP and a WebSocket, on 127.0.0.1 only. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { service } = options;
  const token = options.token ?? newToken();
  const staticDir = resolve(options.staticDir);
  let port = options.port ?? 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${(e as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(securityHeaders(port))) res.setHeader(k, v);
    const url = requestUrl(req, port);
    if (!url) return send(res, 400, 'malformed URL');
    const refusal = checkRequest(req, port, token, url.searchParams.get('token'));
    if (refusal) {
      send(
        res,
        refusal.status,
        `Nearlab refused this request: ${refusal.reason}. Open the URL that \`nearlab serve\` printed.\n`,
      );
      return;
    }
    if (url.searchParams.has('token')) {
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'use POST');
      const body = await readJsonBody(req);
      if (!body.ok) {
        // A client still sending a body too large reads the answer while the rest is dropped (not a reset).
        if (body.status === 413) discardRest(req);
        return send(
          res,
          body.status,
          JSON.stringify({ ok: false, error: { kind: 'bad-request', message: body.message } }),
          'application/json',
        );
      }
      const r = await dispatch(service.api, url.pathname.slice(5), body.value);
      return send(res, 200, JSON.stringify(r), 'application/json');
    }
    const media = /^\/media\/(thumb|file)\/(\d+)$/.exec(url.pathname);
    if (media) {
      const id = Number(media[2]);
      if (media[1] === 'thumb') {
        const t = service.thumbnail(id);
        return t ? send(res, 200, t.data, t.mime) : send(res, 404, 'no such thumbnail');
      }
      const original = await openOriginalFile(service.lab.db, id);
      if ('refused' in original) return send(res, original.refused === 'gone' ? 410 : 404, `${original.reason}\n`);
      return sendFile(res, original.file, { 'content-type': contentType(original.path) });
    }
    if (req.method !== 'GET') return send(res, 405, 'method not allowed');
    const rel = url.pathname === '/' ? 'index.html' : decodePath(url.pathname.slice(1));
    if (rel === null) return send(res, 400, 'malformed % escape in the URL');
    const file = normalize(join(staticDir, rel));
    if (!file.startsWith(staticDir + sep)) return send(res, 404, 'not found');
    const opened = await openRegularFile(file).catch(() => null);
    if (!opened) {
      const index = join(staticDir, 'index.html');
      if (!existsSync(index))
        return send(res, 500, `the renderer is not built (${index} is missing): run npm run build`);
      return send(res, 404, 'not found');
    }
    return sendFile(res, opened, { 'content-type': contentType(file), 'cache-control': 'no-cache' });
  }

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req, port);
    const refusal = url && checkRequest(req, port, token, url.searchParams.get('token'));
    if (!url || url.pathname !== '/events' || refusal) {
      const status = !url ? '400 Bad Request' : refusal ? `${refusal.status} Refused` : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const off = service.subscribe((e: ApiEvent) => ws.send(JSON.stringify(e)));
      ws.on('close', off);
      // A client that sends a malformed frame loses its connection, not the server its life.
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
