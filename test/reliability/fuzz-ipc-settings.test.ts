/**
 * Hostile IPC calls through the real handle() wrapper bound to the real controller
 * (registerApiHandlers + createAppController, a real settings store on a temp file, a fake
 * feed), and hostile settings files and save() inputs through the real settings store. Each
 * run: a clear refusal (an IpcResult with a code, or a SettingsError / loadProblem naming
 * what was wrong), never a throw, and no state change (settings file bytes, the settings the
 * controller holds, the feeds started, Object.prototype). Counts go to results/fuzz-ipc-settings.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeFeed } from '../../src/core/feed/fake-feed.test-support';
import { manualClock } from '../../src/core/monitor/clock';
import type { FeedSource } from '../../src/core/monitor/monitor-core';
import { createAlertsPort } from '../../src/core/monitor/shared-alerts';
import { createAppController, type AppController } from '../../src/main/app/controller';
import { createIpcHandlers, type IpcSender } from '../../src/main/ipc/handle';
import { registerApiHandlers } from '../../src/main/ipc/register-api';
import { isAppUrl } from '../../src/main/security/app-origin';
import { plainCipher } from '../../src/main/settings/secret-cipher';
import { createSettingsStore, SettingsError } from '../../src/main/settings/settings-store';
import { IPC_ARGS, IPC_CHANNELS } from '../../src/shared/ipc';
import { silentLogger } from '../../src/shared/log';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/shared/settings';
import { writeFuzzCounts, type FuzzCount } from './support/fuzz-counts';
import { hostileValue, nested, prototypePolluted } from './support/hostile';

const RUNS = Number(process.env.CALLBOARD_FUZZ_RUNS ?? 300);
const APP = 'file:///opt/callboard/resources/app.asar/out/renderer/index.html';
const counts: FuzzCount[] = [];
let dir: string;
let controller: AppController | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-fuzz-ipc-'));
});
afterEach(async () => {
  await controller?.dispose();
  controller = undefined;
  await rm(dir, { recursive: true, force: true });
});
afterAll(() => writeFuzzCounts('fuzz-ipc-settings', counts));

type Operation = keyof typeof IPC_ARGS;
const OPERATIONS = Object.keys(IPC_ARGS) as Operation[];

async function setUp() {
  const file = join(dir, 'settings.json');
  const feedsStarted: string[] = [];
  const opened: string[] = [];
  controller = createAppController({
    settings: createSettingsStore({ file, cipher: plainCipher, logger: silentLogger }),
    createFeed: async (settings): Promise<FeedSource> => {
      feedsStarted.push(settings.mode);
      return { feed: createFakeFeed(), mode: settings.mode, target: settings.mode };
    },
    createAlerts: (t) => createAlertsPort(t),
    testConnection: async () => ({ ok: true, summary: 'fine', durationMs: 1 }),
    clock: manualClock(),
    logger: silentLogger,
  });
  await controller.start();
  await controller.saveSettings({ ...DEFAULT_SETTINGS, mode: 'demo' });
  const listeners = new Map<
    string,
    (e: { sender: IpcSender | null }, ...a: unknown[]) => Promise<unknown>
  >();
  const handlers = createIpcHandlers<{ sender: IpcSender | null }>({
    register: (channel, l) => (listeners.set(channel, l), () => listeners.delete(channel)),
    senderOf: (event) => event.sender,
    isTrustedUrl: (url) => isAppUrl(url, { rendererFileUrl: APP }),
    logger: silentLogger,
  });
  registerApiHandlers(
    handlers,
    controller,
    async (url) => void opened.push(url),
    async () => ({ saved: false }),
  );
  const c = controller;
  const state = () =>
    JSON.stringify({
      file: existsSync(file) ? readFileSync(file, 'utf8') : null,
      settings: c.getSettings(),
      feeds: feedsStarted,
      alerts: c.getSnapshot().alerts,
    });
  const invoke = (op: Operation, sender: IpcSender | null, args: unknown[]) =>
    listeners.get(IPC_CHANNELS[op])!({ sender }, ...args);
  return { state, invoke, opened, file };
}

const args: fc.Arbitrary<unknown[]> = fc.oneof(
  fc.array(hostileValue, { maxLength: 3 }),
  fc.constant<unknown[]>([nested(40, 'deep', true)]),
  fc
    .tuple(fc.string({ maxLength: 100 }), fc.oneof(fc.integer(), fc.double(), fc.string()))
    .map((t): unknown[] => [...t]),
);

describe('hostile IPC calls through handle()', () => {
  it('from the app window: refused with a code and message, or valid and harmless; never a throw', async () => {
    const { state, invoke, opened } = await setUp();
    const before = state();
    let tried = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), args, async (op, a) => {
        tried += 1;
        const result = (await invoke(op, { url: APP, isMainFrame: true }, a)) as {
          ok: boolean;
          code?: string;
          message?: string;
        };
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) {
          refused += 1;
          expect([
            'bad-request',
            'forbidden-sender',
            'not-found',
            'unavailable',
            'internal',
          ]).toContain(result.code);
          expect(result.code).not.toBe('internal');
          expect(typeof result.message).toBe('string');
          expect(result.message!.length).toBeGreaterThan(0);
        } else {
          expect(IPC_ARGS[op].safeParse(a).success).toBe(true);
        }
        expect(prototypePolluted()).toBe(false);
        // Valid settings could legitimately change state; generated input never is.
        if (!(op === 'saveSettings' && result.ok)) expect(state()).toBe(before);
      }),
      { numRuns: RUNS },
    );
    for (const url of opened) expect(url).toMatch(/^(https?|mailto):/);
    counts.push({
      surface: 'IPC calls, app window (handle() + controller)',
      inputs: tried,
      outcome: `${refused} refused with a code, the rest valid and harmless; state unchanged`,
    });
  });

  it('from any other sender: always forbidden-sender, nothing runs', async () => {
    const { state, invoke, opened } = await setUp();
    const before = state();
    const sender = fc.oneof(
      fc.constant(null),
      fc.record({
        url: fc.oneof(
          fc.webUrl(),
          fc.string(),
          fc.constantFrom(
            'file:///etc/passwd',
            'file:///tmp/out/renderer/index.html',
            `${APP}/../x`,
            'about:blank',
            'devtools://devtools',
          ),
        ),
        isMainFrame: fc.boolean(),
      }),
      fc.constant({ url: APP, isMainFrame: false }),
    );
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), sender, args, async (op, s, a) => {
        tried += 1;
        const result = await invoke(op, s as IpcSender | null, a);
        if (
          s &&
          (s as IpcSender).isMainFrame &&
          isAppUrl((s as IpcSender).url, { rendererFileUrl: APP })
        )
          return;
        expect(result).toMatchObject({ ok: false, code: 'forbidden-sender' });
        expect(state()).toBe(before);
      }),
      { numRuns: RUNS },
    );
    expect(opened).toEqual([]);
    counts.push({
      surface: 'IPC calls, foreign senders',
      inputs: tried,
      outcome: 'all forbidden-sender; nothing ran',
    });
  });
});

describe('hostile settings through the real settings store', () => {
  it('save(): a SettingsError naming the problem, file and settings unchanged', async () => {
    const file = join(dir, 'settings.json');
    const store = createSettingsStore({ file, cipher: plainCipher, logger: silentLogger });
    await store.load();
    await store.save({ ...DEFAULT_SETTINGS, mode: 'demo' });
    const bytes = readFileSync(file, 'utf8');
    const current = JSON.stringify(store.current());
    let tried = 0;
    let accepted = 0;
    const input = fc.oneof(
      hostileValue,
      // Valid settings with one field replaced by something hostile.
      fc
        .tuple(
          fc.constantFrom(
            'mode',
            'remote',
            'embedded',
            'thresholds',
            'notifications',
            '__proto__',
            'extra',
          ),
          hostileValue,
        )
        .map(
          ([k, v]) =>
            JSON.parse(JSON.stringify({ ...DEFAULT_SETTINGS, [k]: v }) ?? '{}') as unknown,
        ),
    );
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        tried += 1;
        try {
          await store.save(value);
          accepted += 1;
          expect(parseSettings(value).ok).toBe(true);
          await store.save({ ...DEFAULT_SETTINGS, mode: 'demo' }); // back to the baseline
        } catch (error) {
          expect(error).toBeInstanceOf(SettingsError);
          expect((error as Error).message).toMatch(/settings/i);
          expect(readFileSync(file, 'utf8')).toBe(bytes);
          expect(JSON.stringify(store.current())).toBe(current);
        }
        expect(prototypePolluted()).toBe(false);
      }),
      { numRuns: RUNS },
    );
    counts.push({
      surface: 'settings save() input',
      inputs: tried,
      outcome: `${tried - accepted} refused with a SettingsError, ${accepted} valid; file unchanged on refusal`,
    });
  });

  it('load() of a hostile file: never throws, defaults or valid settings, the problem named', async () => {
    let tried = 0;
    let problems = 0;
    const content = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
      hostileValue.map((v) => JSON.stringify(v) ?? 'undefined'),
      fc
        .record(
          {
            version: fc.oneof(fc.constant(1), fc.anything()),
            settings: hostileValue,
            secrets: hostileValue,
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.constant(`{"version":1,"settings":${'['.repeat(100_000)}1${']'.repeat(100_000)}}`),
      fc.constant('{"__proto__":{"polluted":"yes"},"version":1}'),
      fc.constant(JSON.stringify({ version: 1, settings: DEFAULT_SETTINGS, secrets: {} })),
    );
    await fc.assert(
      fc.asyncProperty(content, async (text) => {
        tried += 1;
        const file = join(dir, `settings-${tried}.json`);
        await writeFile(file, text);
        const store = createSettingsStore({ file, cipher: plainCipher, logger: silentLogger });
        const view = await store.load();
        expect(parseSettings(store.current()).ok).toBe(true);
        if (view.loadProblem !== undefined) {
          problems += 1;
          expect(view.loadProblem.length).toBeGreaterThan(0);
        }
        expect(prototypePolluted()).toBe(false);
      }),
      { numRuns: RUNS },
    );
    counts.push({
      surface: 'settings files (load)',
      inputs: tried,
      outcome: `${problems} reported as a loadProblem (file kept aside), the rest valid; never threw`,
    });
  });
});
