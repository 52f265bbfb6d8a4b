import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, withSecurityHeaders } from './csp.ts';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
}

describe('contentSecurityPolicy', () => {
  it('allows no remote source, no inline script and no eval', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    for (const [name, values] of d) {
      for (const v of values) {
        expect(v, `${name} ${v}`).not.toMatch(/^(https?:|wss?:|\*|'unsafe-eval'|'strict-dynamic')/);
        if (name !== 'style-src') expect(v, name).not.toBe("'unsafe-inline'");
      }
    }
  });

  it('lets images come from the media scheme', () => {
    expect(directives(contentSecurityPolicy()).get('img-src')).toContain('nearlab-media:');
  });

  it('adds only the dev server socket in development', () => {
    const d = directives(contentSecurityPolicy('http://localhost:5173'));
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(d.get('script-src')).toEqual(["'self'"]);
  });
});

describe('withSecurityHeaders', () => {
  it('replaces a weaker CSP the server sent, whatever its spelling, and keeps other headers', () => {
    const h = withSecurityHeaders({
      'content-security-policy': ['script-src *'],
      'Content-Type': 'text/html',
      'x-frame-options': ['ALLOW'],
    });
    expect(h['content-security-policy']).toBeUndefined();
    expect(h['x-frame-options']).toBeUndefined();
    expect(h['Content-Security-Policy']).toEqual([contentSecurityPolicy()]);
    expect(h['X-Frame-Options']).toEqual(['DENY']);
    expect(h['Content-Type']).toEqual(['text/html']);
    expect(h['X-Content-Type-Options']).toEqual(['nosniff']);
  });
});
