import type { ConsoleMessage, Page } from '@playwright/test';

/** A console line a test expects, with the reason it is expected. */
export interface ExpectedConsoleLine {
  pattern: RegExp;
  why: string;
}

export interface ConsoleWatch {
  /** Expects lines matching `pattern` from now on (say why: it shows in the spec). */
  expect(pattern: RegExp, why: string): void;
  /** Every error, warning or uncaught exception seen that no expected pattern matched. */
  unexpected(): string[];
}

const WATCHED: ReadonlySet<string> = new Set(['error', 'warning', 'assert']);

/**
 * Records what the page reports to its console at level warning or error (including what
 * Chromium itself reports there: failed loads, ignored CSP directives), and every uncaught
 * exception. A suite asserts `unexpected()` is empty at the end of each test, so a new
 * warning fails it instead of scrolling by.
 */
export function watchConsole(
  page: Page,
  expected: readonly ExpectedConsoleLine[] = [],
): ConsoleWatch {
  const allowed = [...expected];
  const seen: string[] = [];
  const isExpected = (line: string) => allowed.some(({ pattern }) => pattern.test(line));
  page.on('console', (message: ConsoleMessage) => {
    if (!WATCHED.has(message.type())) return;
    const { url, lineNumber } = message.location();
    const line = `console.${message.type()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`;
    if (!isExpected(line)) seen.push(line);
  });
  page.on('pageerror', (error) => {
    const line = `uncaught ${error.name}: ${error.message}`;
    if (!isExpected(line)) seen.push(line);
  });
  return {
    expect(pattern, why) {
      allowed.push({ pattern, why });
    },
    unexpected: () => [...seen],
  };
}
