import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, metaContentSecurityPolicy } from './content-security-policy';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('the content security policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY);
  it('denies by default and allows scripts only from the app itself', () => {
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });
  it('never allows eval, inline script or remote script', () => {
    const scripts = policy.get('script-src')!.join(' ');
    expect(scripts).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
  });
  it('allows no inline style: React styles go through the CSSOM, the stylesheet is a file', () => {
    expect(policy.get('style-src')).toEqual(["'self'"]);
  });
  it('talks only to the origin that served the page', () => {
    expect(policy.get('connect-src')).toEqual(["'self'"]);
  });
});

describe('the <meta> form of the policy', () => {
  it('is the header policy without frame-ancestors, which a <meta> cannot carry', () => {
    const meta = directives(metaContentSecurityPolicy());
    const header = directives(CONTENT_SECURITY_POLICY);
    header.delete('frame-ancestors');
    expect(meta).toEqual(header);
  });
  it('drops every directive browsers ignore in a <meta>, whatever its case', () => {
    const policy =
      "default-src 'self'; Frame-Ancestors 'none'; report-uri /csp; report-to csp; sandbox allow-scripts; img-src data:";
    expect(metaContentSecurityPolicy(policy)).toBe("default-src 'self'; img-src data:");
  });
  it('keeps no empty directive from a trailing or doubled separator', () => {
    expect(metaContentSecurityPolicy("script-src 'self';; style-src 'self'; ")).toBe(
      "script-src 'self'; style-src 'self'",
    );
  });
});
