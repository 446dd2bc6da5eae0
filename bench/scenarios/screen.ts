import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';
import { summarize, type LatencySummary } from '../lib/stats';
import {
  startListBytesClient,
  type ListBytesClient,
  type ListTraffic,
} from '../screen/list-bytes-client';
import { callSidOf, cpuSeconds, marker, SCREEN_TOKEN, seedCalls } from '../screen/fixtures';
import { installScreenProbe, type ProbeSighting } from '../screen/page-probe';
import { measuredWrites, paced } from '../screen/paced';
import { startServe, type ServeProcess } from '../screen/serve-process';
import type { ScenarioContext } from './context';

/**
 * (7) What the supervisor sees: a write in MongoDB (the emulator) to its text on screen in
 * Chromium, through the real path: the built `callboard serve` (watcher, hub, gateway) and
 * the web dashboard it serves (monitor core with its delta batching, React renderer).
 * A MutationObserver in the page stamps when each write's marker appears (page-probe.ts).
 *
 * - transcript: one call's details open; measured turns every 300 ms, idle, then loaded
 *   (1,000 active calls, each writing a turn every 4 s: 250 turns/s);
 * - list bytes: a plain v2 client's bytes per call update, with call updates alone and with
 *   the same call updates plus the transcript load;
 * - call update: 10,000 active calls, 200 updates/s, the measured ones setting the agent of a
 *   row in view (the list is virtualised) to a marker.
 */
export interface ScreenLatency {
  /** Write to its arrival at a plain Socket.IO client (the server's share). */
  socket: LatencySummary;
  /** Write to the DOM commit that shows it. */
  dom: LatencySummary;
  /** Write to the start of the frame that paints it. */
  frame: LatencySummary;
  /** Measured writes never seen on screen within 10 s. */
  missing: number;
  loadAvg1: number;
  /** CPU share (% of one core) of `serve` during the window. */
  serverCpu: number;
}

export interface ScreenFigures {
  transcriptIdle: ScreenLatency;
  transcriptLoaded: ScreenLatency & { turnsPerSecond: number };
  list: {
    updatesPerSecond: number;
    without: ListTraffic & { bytesPerUpdate: number };
    with: ListTraffic & { bytesPerUpdate: number };
  };
  callUpdate: ScreenLatency & { calls: number; updatesPerSecond: number; rowsInView: number };
}

const LOADED_CALLS = 1_000;
const TURN_EVERY_MS = 4_000;
const MEASURED_EVERY_MS = 300;
const LIST_UPDATES_PER_SECOND = 20;
const LIST_CALLS = 10_000;
const CALL_UPDATES_PER_SECOND = 200;
const CALL_MEASURED_EVERY_MS = 250;
const OPEN_CALL = callSidOf(0);
/** Every turn's message holds it (measured and background); no call document does. */
const LEAK_NEEDLE = ' turn ';

export async function measureScreen(ctx: ScenarioContext): Promise<ScreenFigures> {
  const full = ctx.options.mode === 'full';
  const windowMs = full ? 60_000 : 12_000;
  const browser = await chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  const counter = { next: 1 };
  try {
    const transcripts = await measureTranscripts(ctx, browser, windowMs, counter);
    const callUpdate = await measureCallUpdates(ctx, browser, windowMs, counter);
    return { ...transcripts, callUpdate };
  } finally {
    await browser.close();
  }
}

async function measureTranscripts(
  ctx: ScenarioContext,
  browser: Browser,
  windowMs: number,
  counter: { next: number },
): Promise<Omit<ScreenFigures, 'callUpdate'>> {
  const db = ctx.mongo.db('bench-screen-transcripts');
  await seedCalls(db, LOADED_CALLS);
  await db
    .collection('transcripts')
    .insertOne({ callSid: OPEN_CALL, role: 'agent', message: 'Hello.', timeInCallSecs: 0 });
  const serve = await startServe({
    mongoUri: ctx.emulatorUri,
    dbName: db.databaseName,
    token: SCREEN_TOKEN,
  });
  const list = startListBytesClient(serve.url, SCREEN_TOKEN, LEAK_NEEDLE);
  const { page, close } = await openDashboard(browser, serve, LOADED_CALLS);
  try {
    await list.ready;
    await list.openTranscript(OPEN_CALL);
    await page.locator(`[data-call-sid="${OPEN_CALL}"]`).click();
    await page.locator('.transcript-turn').first().waitFor({ timeout: 30_000 });
    let timeInCall = 1;
    const measuredTurn = (n: number) => ({
      callSid: OPEN_CALL,
      role: n % 2 === 0 ? 'agent' : 'user',
      message: `Measured turn ${marker(n)}.`,
      timeInCallSecs: timeInCall++,
      createdAt: new Date(),
    });
    const turns = db.collection('transcripts');
    const writeTurn = (n: number) => turns.insertOne(measuredTurn(n));

    const samples = Math.round(windowMs / MEASURED_EVERY_MS);
    ctx.log(`screen: transcript idle, ${samples} turns every ${MEASURED_EVERY_MS} ms`);
    const probes = { page, serve, plain: list, counter };
    const transcriptIdle = await measureWindow(probes, {
      samples,
      everyMs: MEASURED_EVERY_MS,
      write: writeTurn,
      background: () => Promise.resolve(),
    });
    logLatency(ctx, 'transcript idle', transcriptIdle);

    const callUpdates = (first: number, count: number) =>
      db
        .collection('calls')
        .bulkWrite(callUpdateOps(first, count, LOADED_CALLS), { ordered: false });
    ctx.log(`screen: list bytes, ${LIST_UPDATES_PER_SECOND} call updates/s, no transcript traffic`);
    list.reset();
    const without = await paced(LIST_UPDATES_PER_SECOND, windowMs, callUpdates);
    await settle();
    const withoutTraffic = {
      ...list.traffic,
      bytesPerUpdate: list.traffic.updateBytes / list.traffic.updateDocs,
    };

    const turnsPerSecond = (LOADED_CALLS * 1000) / TURN_EVERY_MS;
    ctx.log(
      `screen: transcript loaded, ${turnsPerSecond} turns/s from ${LOADED_CALLS} calls + ${LIST_UPDATES_PER_SECOND} call updates/s`,
    );
    list.reset();
    const load = Promise.all([
      paced(
        turnsPerSecond,
        windowMs,
        (first, count) => turns.insertMany(backgroundTurns(first, count)),
        20,
      ),
      paced(LIST_UPDATES_PER_SECOND, windowMs, callUpdates),
    ]);
    const transcriptLoaded = await measureWindow(probes, {
      samples,
      everyMs: MEASURED_EVERY_MS,
      write: writeTurn,
      background: () => load,
    });
    const [turnLoad] = await load;
    await settle();
    const withTraffic = {
      ...list.traffic,
      bytesPerUpdate: list.traffic.updateBytes / list.traffic.updateDocs,
    };
    logLatency(
      ctx,
      `transcript loaded (${turnLoad.achievedRate.toFixed(0)} turns/s achieved)`,
      transcriptLoaded,
    );
    ctx.log(
      `  list bytes/update: ${withoutTraffic.bytesPerUpdate.toFixed(0)} without, ${withTraffic.bytesPerUpdate.toFixed(0)} with transcript traffic; ` +
        `frames holding a transcript marker: ${withoutTraffic.leaks} / ${withTraffic.leaks}`,
    );
    return {
      transcriptIdle,
      transcriptLoaded: { ...transcriptLoaded, turnsPerSecond: turnLoad.achievedRate },
      list: { updatesPerSecond: without.achievedRate, without: withoutTraffic, with: withTraffic },
    };
  } finally {
    list.close();
    await close();
    await serve.stop();
    await db.dropDatabase();
  }
}

async function measureCallUpdates(
  ctx: ScenarioContext,
  browser: Browser,
  windowMs: number,
  counter: { next: number },
): Promise<ScreenFigures['callUpdate']> {
  const db = ctx.mongo.db('bench-screen-calls');
  ctx.log(`screen: seeding ${LIST_CALLS} active calls`);
  await seedCalls(db, LIST_CALLS);
  const serve = await startServe({
    mongoUri: ctx.emulatorUri,
    dbName: db.databaseName,
    token: SCREEN_TOKEN,
  });
  const list = startListBytesClient(serve.url, SCREEN_TOKEN, LEAK_NEEDLE);
  const { page, close } = await openDashboard(browser, serve, LIST_CALLS);
  try {
    await list.ready;
    const inView = await rowsInView(page);
    if (inView.length === 0) throw new Error('screen: no call row is in view');
    const calls = db.collection('calls');
    const measuredRate = 1000 / CALL_MEASURED_EVERY_MS;
    const samples = Math.round(windowMs / CALL_MEASURED_EVERY_MS);
    ctx.log(
      `screen: call updates, ${CALL_UPDATES_PER_SECOND}/s over ${LIST_CALLS} calls, ${samples} of them on ${inView.length} rows in view`,
    );
    const load = paced(CALL_UPDATES_PER_SECOND - measuredRate, windowMs, (first, count) =>
      calls.bulkWrite(callUpdateOps(first, count, LIST_CALLS), { ordered: false }),
    );
    const profile = await startPageProfile(page);
    const result = await measureWindow(
      { page, serve, plain: list, counter },
      {
        samples,
        everyMs: CALL_MEASURED_EVERY_MS,
        write: (n, i) =>
          calls.updateOne(
            { _id: inView[i % inView.length] as never },
            { $set: { agentId: `agent-${marker(n)}`, updatedAt: new Date() } },
          ),
        background: () => load,
      },
    );
    await profile?.stop('call-updates');
    const achieved = (await load).achievedRate + measuredRate;
    logLatency(ctx, `call update (${achieved.toFixed(0)} updates/s achieved)`, result);
    return { ...result, calls: LIST_CALLS, updatesPerSecond: achieved, rowsInView: inView.length };
  } finally {
    list.close();
    await close();
    await serve.stop();
    await db.dropDatabase();
  }
}

/** Where a window's writes are seen: the dashboard page and a plain client of `serve`. */
interface Probes {
  page: Page;
  serve: ServeProcess;
  plain: ListBytesClient;
  /** The next marker number (unique across the run). */
  counter: { next: number };
}

interface WindowPlan {
  samples: number;
  everyMs: number;
  write: (markerNumber: number, index: number) => Promise<unknown>;
  /** The window's other traffic, already running or started here. */
  background: () => Promise<unknown>;
}

/**
 * `samples` measured writes `everyMs` apart while `background()` runs, then waits (at most
 * 10 s) for each marker to show and turns the sightings into latencies.
 */
async function measureWindow(
  { page, serve, plain, counter }: Probes,
  { samples, everyMs, write, background }: WindowPlan,
): Promise<ScreenLatency> {
  const markers = Array.from({ length: samples }, () => counter.next++);
  const cpuBefore = cpuSeconds(serve.pid);
  const startedAt = Date.now();
  const [sentAt] = await Promise.all([
    measuredWrites(samples, everyMs, (i) => write(markers[i] as number, i)),
    background(),
  ]);
  const serverCpu = ((cpuSeconds(serve.pid) - cpuBefore) * 100_000) / (Date.now() - startedAt);
  const loadAvg1 = loadavg()[0] ?? Number.NaN;
  await page
    .waitForFunction(
      (list) =>
        (
          window as unknown as { __screenProbe: { count(m: number[]): number } }
        ).__screenProbe.count(list) === list.length,
      markers,
      { timeout: 10_000, polling: 100 },
    )
    .catch(() => undefined);
  const sightings = await page.evaluate(
    (list) =>
      (
        window as unknown as { __screenProbe: { get(m: number[]): (ProbeSighting | null)[] } }
      ).__screenProbe.get(list),
    markers,
  );
  const socket: number[] = [];
  const dom: number[] = [];
  const frame: number[] = [];
  sightings.forEach((sighting, i) => {
    const sent = sentAt[i] as number;
    const arrived = plain.arrivals.get(markers[i] as number);
    if (arrived !== undefined) socket.push(arrived - sent);
    if (!sighting) return;
    dom.push(sighting.domAt - sent);
    if (Number.isFinite(sighting.frameAt)) frame.push(sighting.frameAt - sent);
  });
  return {
    socket: summarize(socket),
    dom: summarize(dom),
    frame: summarize(frame),
    missing: samples - dom.length,
    loadAvg1,
    serverCpu,
  };
}

async function openDashboard(
  browser: Browser,
  serve: ServeProcess,
  calls: number,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(installScreenProbe);
  await page.goto(`${serve.url}/#token=${SCREEN_TOKEN}`);
  await page
    .waitForFunction(
      (n) =>
        document
          .querySelector('[data-testid=calls-count]')
          ?.textContent?.includes(`of ${n} calls`) ?? false,
      calls,
      { timeout: 120_000, polling: 200 },
    )
    .catch((error: Error) => {
      throw new Error(
        `screen: the dashboard never showed ${calls} calls (${error.message}); page errors: ${errors.join('; ')}; serve: ${serve.output()}`,
      );
    });
  return { page, close: () => context.close() };
}

/**
 * BENCH_SCREEN_PROFILE=DIR: a CPU profile of the dashboard page during the call-update window
 * (Chrome DevTools' .cpuprofile format), for "what limits this figure".
 */
async function startPageProfile(page: Page): Promise<{ stop(name: string): Promise<void> } | null> {
  const dir = process.env.BENCH_SCREEN_PROFILE;
  if (!dir) return null;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return {
    stop: async (name) => {
      const { profile } = await cdp.send('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `screen-${name}.cpuprofile`), JSON.stringify(profile));
      await cdp.detach();
    },
  };
}

/** The call ids of the rows wholly inside the list's scrolled viewport (not the overscan). */
function rowsInView(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const body = document.querySelector('.calls-body');
    if (!body) return [];
    const view = body.getBoundingClientRect();
    return [...body.querySelectorAll<HTMLElement>('[data-call-sid]')]
      .filter((row) => {
        const rect = row.getBoundingClientRect();
        return rect.top >= view.top && rect.bottom <= view.bottom;
      })
      .map((row) => row.dataset.callSid as string);
  });
}

/** Updates of calls the measured ones never touch (call i of the run's i-th write, wrapped). */
function callUpdateOps(
  first: number,
  count: number,
  calls: number,
): AnyBulkWriteOperation<Document>[] {
  const ops: AnyBulkWriteOperation<Document>[] = [];
  for (let i = first; i < first + count; i++) {
    // Spread over the calls after the first screenful (rows 0-99 are the measured ones' pool).
    const target = 100 + ((i * 7919) % (calls - 100));
    ops.push({
      updateOne: {
        filter: { _id: callSidOf(target) as never },
        update: { $set: { updatedAt: new Date(), benchTick: i } },
      },
    });
  }
  return ops;
}

/** Turns of the other calls: call i % LOADED_CALLS speaks once every TURN_EVERY_MS. */
function backgroundTurns(first: number, count: number): Document[] {
  const turns: Document[] = [];
  for (let i = first; i < first + count; i++) {
    const call = 1 + (i % (LOADED_CALLS - 1));
    const round = Math.floor(i / (LOADED_CALLS - 1));
    turns.push({
      callSid: callSidOf(call),
      role: round % 2 === 0 ? 'agent' : 'user',
      message: `Background turn ${round} of call ${call}, a sentence of ordinary length.`,
      timeInCallSecs: round * (TURN_EVERY_MS / 1000),
      createdAt: new Date(),
    });
  }
  return turns;
}

/** Lets the last writes' events reach the list client before its bytes are read. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_000));
}

function logLatency(ctx: ScenarioContext, what: string, result: ScreenLatency): void {
  ctx.log(
    `  ${what}: socket p50 ${result.socket.p50} p99 ${result.socket.p99}, DOM p50 ${result.dom.p50} ms p99 ${result.dom.p99} ms (n=${result.dom.count}), ` +
      `frame p50 ${result.frame.p50} p99 ${result.frame.p99}, missing ${result.missing}, ` +
      `serve CPU ${result.serverCpu.toFixed(0)}%, load ${result.loadAvg1.toFixed(2)}`,
  );
}
