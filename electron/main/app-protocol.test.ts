import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/corpus.ts';
import { createAppHandler } from './app-protocol.ts';
import { securityHeaders } from './security/csp.ts';

const root = tempDir('nearlab-app-');
const rendererDir = join(root, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nearlab</title>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'outside the renderer');
const handler = createAppHandler(rendererDir, securityHeaders());

describe('the nearlab-app: protocol handler', () => {
  it('serves the page with the CSP header', async () => {
    const r = await handler(new Request('nearlab-app://app/index.html'));
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>Nearlab</title>');
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves assets and the index at /', async () => {
    const js = await handler(new Request('nearlab-app://app/assets/app.js'));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    expect(await (await handler(new Request('nearlab-app://app/'))).text()).toContain('Nearlab');
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const url of [
      'nearlab-app://app/..%2Fsecret.txt',
      'nearlab-app://app/assets/..%2F..%2Fsecret.txt',
      'nearlab-app://app/../secret.txt',
      'nearlab-app://other/index.html',
    ]) {
      const r = await handler(new Request(url));
      expect(r.status, url).toBe(404);
      expect(await r.text()).not.toContain('outside');
    }
  });

  it('says how to fix a missing build', async () => {
    const empty = createAppHandler(join(root, 'nothing'), {});
    const r = await empty(new Request('nearlab-app://app/'));
    expect(r.status).toBe(500);
    expect(await r.text()).toContain('npm run build');
  });
});
