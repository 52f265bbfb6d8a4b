import { createReadStream, existsSync, promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { ApiEvent } from '../api/contract.ts';
import { dispatch } from '../api/rpc.ts';
import type { NearlabService } from '../service/service.ts';
import { TOKEN_COOKIE, checkRequest, newToken } from './auth.ts';
import { contentType } from '../util/content-type.ts';

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

const MAX_BODY = 32 * 1024 * 1024;

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

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    for (const [k, v] of Object.entries(securityHeaders(port))) res.setHeader(k, v);
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
      let body: unknown;
      try {
        const text = await readBody(req);
        body = text ? JSON.parse(text) : {};
      } catch (e) {
        return send(
          res,
          400,
          JSON.stringify({ ok: false, error: { kind: 'bad-request', message: (e as Error).message } }),
          'application/json',
        );
      }
      const r = await dispatch(service.api, url.pathname.slice(5), body);
      return send(res, 200, JSON.stringify(r), 'application/json');
    }
    const media = /^\/media\/(thumb|file)\/(\d+)$/.exec(url.pathname);
    if (media) {
      const id = Number(media[2]);
      if (media[1] === 'thumb') {
        const t = service.thumbnail(id);
        return t ? send(res, 200, t.data, t.mime) : send(res, 404, 'no such thumbnail');
      }
      const path = await service.originalFile(id);
      if (!path) return send(res, 404, 'no such file');
      res.writeHead(200, { 'content-type': contentType(path) });
      createReadStream(path).pipe(res);
      return;
    }
    if (req.method !== 'GET') return send(res, 405, 'method not allowed');
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = normalize(join(staticDir, rel));
    if (!file.startsWith(staticDir + sep)) return send(res, 404, 'not found');
    const st = await fs.stat(file).catch(() => null);
    if (!st?.isFile()) {
      const index = join(staticDir, 'index.html');
      if (!existsSync(index))
        return send(res, 500, `the renderer is not built (${index} is missing): run npm run build`);
      return send(res, 404, 'not found');
    }
    res.writeHead(200, {
      'content-type': contentType(file),
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const refusal = checkRequest(req, port, token, url.searchParams.get('token'));
    if (url.pathname !== '/events' || refusal) {
      socket.write(
        `HTTP/1.1 ${refusal?.status ?? 404} ${refusal ? 'Refused' : 'Not Found'}\r\nConnection: close\r\n\r\n`,
      );
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const off = service.subscribe((e: ApiEvent) => ws.send(JSON.stringify(e)));
      ws.on('close', off);
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
