/**
 * The realtime server's public API (used by `callboard serve`, the embedded feed in
 * src/core/embedded and benchmarks). Everything here is plain Node: no electron.
 *
 * - `createRealtimeServer(config)` composes source (Watcher) -> Hub -> Socket.IO gateway +
 *   /healthz, /metrics and the static dashboard; `start()` resolves `{ url, host, port }` or
 *   rejects with a `ServerError` (code + admin-readable message); `stop()` closes everything;
 *   `metrics()` resolves what `GET /metrics` answers (Prometheus text, its own registry).
 * - `Hub`: `subscribe(stream, { since?, backpressure? }, listener)` returns an Unsubscribe
 *   function that also carries `mode` ('replay' | 'snapshot'), `epoch` and `seq`; the listener
 *   gets HubEvents synchronously (first the snapshot or the replay). `snapshot(stream)`,
 *   `epoch`, `seq(stream)`, `cursor(stream)`, `counters()`, `histograms` (flush lag and
 *   delivery latency, prom-client), `ingest(stream, changes)`,
 *   `load(stream, docs)`, `reset(stream, docs, reason)` (new epoch), `flush()`, `close()`.
 * - `Watcher`: change streams on calls/campaigns feeding a Hub (a `HubSource`), and on
 *   transcripts feeding its `transcripts` store (unless `transcripts: false`).
 * - `TranscriptStore` (`watcher.transcripts`): live transcripts in process.
 *   `subscribe(callSid, since | undefined, listener)` resolves a `TranscriptSubscription`
 *   (call it to unsubscribe; it carries `callSid`, `mode`, `epoch`, `seq`) once the call is
 *   read; the listener gets `{ event: 'transcript_snapshot' | 'transcript_turns', payload }`
 *   synchronously, first the snapshot (or the replay after `since`), then every change:
 *   the payloads of the Socket.IO events (docs/protocol.md, "Transcripts").
 * - `TrafficSimulator` + `mongoCallStore(db)`: realistic traffic for the demo and benchmarks.
 * - `toEmissions`: what a client of a given mode receives for a HubEvent (docs/protocol.md).
 */
export { createRealtimeServer } from './realtime-server';
export type { HubSource, RealtimeServer, RealtimeServerConfig } from './realtime-server';
export { Hub } from './hub';
export type {
  HubChange,
  HubCounters,
  HubEntry,
  HubEvent,
  HubListener,
  HubOptions,
  HubSubscribeOptions,
  HubSubscription,
  SubscriberBackpressure,
  Unsubscribe,
} from './hub-types';
export { attachGateway } from './gateway';
export type { Gateway, GatewayCounters, GatewayOptions } from './gateway';
export { Watcher, describeHosts } from './watcher';
export { TranscriptStore } from './transcripts/transcript-store';
export type {
  TranscriptCounters,
  TranscriptListener,
  TranscriptMessage,
  TranscriptReader,
  TranscriptStoreOptions,
  TranscriptSubscription,
} from './transcripts/transcript-store';
export type { WatcherOptions } from './watcher';
export type { HealthReport, WatcherHealth, WatcherState } from './metrics';
export { fileTokenStore, memoryTokenStore } from './resume-token-store';
export type { ResumeToken, ResumeTokenStore } from './resume-token-store';
export { ServerError } from './errors';
export { toJsonDocument, toJsonSafe } from './json-safe';
export type { JsonDocument, JsonValue } from './json-safe';
export { coalesceEntries, toEmissions } from './protocol-output';
export type { ClientMode, Emission } from './protocol-output';
export { isLoopbackHost, isOriginAllowed } from './security';
export { TrafficSimulator } from './simulator/simulator';
export type { SimulatorOptions } from './simulator/simulator';
export { mongoCallStore } from './simulator/call-store';
export type { CallStore, SimCall, SimCampaign, StoreOp } from './simulator/call-store';
