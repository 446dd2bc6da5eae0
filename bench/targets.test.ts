import { describe, expect, it } from 'vitest';
import type { ScreenFigures, ScreenLatency } from './scenarios/screen';
import { evaluateTargets } from './targets';

const summary = (p50: number, count = 200) => ({
  count,
  p50,
  p95: p50,
  p99: p50 * 2,
  max: p50 * 3,
});
const latency = (p50: number, missing = 0): ScreenLatency => ({
  socket: summary(3),
  dom: summary(p50),
  frame: summary(p50 + 2),
  missing,
  loadAvg1: 1,
  serverCpu: 5,
});
const traffic = (docBytes: number, leaks = 0) => ({
  updateBytes: docBytes + 150_000,
  updateDocs: 1000,
  docBytes,
  events: 1000,
  snapshotBytes: 0,
  leaks,
  bytesPerUpdate: (docBytes + 150_000) / 1000,
});
function screen(idleP50: number, overrides: Partial<ScreenFigures> = {}): ScreenFigures {
  return {
    transcriptIdle: latency(idleP50),
    transcriptLoaded: { ...latency(idleP50), turnsPerSecond: 250 },
    list: { updatesPerSecond: 20, without: traffic(280_000), with: traffic(280_000) },
    callUpdate: { ...latency(40), calls: 10_000, updatesPerSecond: 200, rowsInView: 17 },
    ...overrides,
  };
}
const statusOf = (results: Record<string, unknown>, prefix: string) =>
  evaluateTargets(results).find((t) => t.target.startsWith(prefix))?.status;

describe('on-screen targets', () => {
  const idle = 'on screen: a transcript turn on an idle system';
  const list = 'on screen: transcripts do not make the list stream heavier';

  it.each([
    [8, 'met'],
    [49, 'met'],
    [50, 'missed'],
    [57, 'missed'],
  ])('an idle turn at p50 %d ms: %s', (p50, status) => {
    expect(statusOf({ screen: screen(p50) }, idle)).toBe(status);
  });

  it('a turn that never showed misses the idle target whatever the p50 of the rest', () => {
    expect(statusOf({ screen: screen(8, { transcriptIdle: latency(8, 1) }) }, idle)).toBe('missed');
  });

  it('misses the list target when the documents grow or a list frame holds a turn', () => {
    expect(statusOf({ screen: screen(8) }, list)).toBe('met');
    const heavier = screen(8);
    heavier.list.with = traffic(281_000);
    expect(statusOf({ screen: heavier }, list)).toBe('missed');
    const leaking = screen(8);
    leaking.list.with = traffic(280_000, 1);
    expect(statusOf({ screen: leaking }, list)).toBe('missed');
  });

  it('says "not measured" without the screen section', () => {
    expect(statusOf({}, idle)).toBe('not measured');
    expect(statusOf({}, list)).toBe('not measured');
  });
});
