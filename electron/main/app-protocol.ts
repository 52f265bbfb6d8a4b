import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { contentType } from '../../core/util/content-type.ts';
import { resolveAppAsset } from './security/app-url.ts';

/**
 * The `nearlab-app:` handler: serves the built renderer (out/renderer) and nothing else, with the
 * app's CSP and security headers on every response.
 */
export function createAppHandler(
  rendererDir: string,
  headers: Record<string, string>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const text = (status: number, body: string) =>
      new Response(body, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed');
    const file = resolveAppAsset(request.url, rendererDir);
    if (!file) return text(404, 'not found');
    const data = await fs.readFile(file).catch(() => null);
    if (!data) {
      return file === join(rendererDir, 'index.html')
        ? text(500, `The Nearlab window is not built (${file} is missing): run npm run build.`)
        : text(404, 'not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(data), {
      headers: { ...headers, 'Content-Type': contentType(file), 'Cache-Control': 'no-cache' },
    });
  };
}
