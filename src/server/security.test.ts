import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isOriginAllowed, RateLimiter } from './security';

describe('isOriginAllowed', () => {
  const list = ['https://dash.example.com'];
  it.each([
    [undefined, true],
    ['https://dash.example.com', true],
    ['https://dash.example.com:443', true],
    ['http://127.0.0.1:7070', true], // same origin as the server
    ['http://localhost.evil.example', false],
    ['https://dash.example.com.evil.example', false],
    ['null', false],
    ['file://', false],
    ['javascript:alert(1)', false],
    ['http://127.0.0.1:7071', false],
  ])('%s -> %s', (origin, expected) => {
    expect(isOriginAllowed(origin, '127.0.0.1:7070', list)).toBe(expected);
  });

  it('allows any origin only when * is listed', () => {
    expect(isOriginAllowed('http://x.example', 'h:1', ['*'])).toBe(true);
    expect(isOriginAllowed('http://x.example', 'h:1', [])).toBe(false);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, refuses past it and refills with time', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 500;
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['192.168.1.5', false],
    ['::', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
