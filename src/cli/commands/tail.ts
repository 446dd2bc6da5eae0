import { createRemoteFeed } from '../../core/feed/remote-feed';
import type { FeedStatus } from '../../core/feed/feed';
import { applyFeedMessage, initialFeedState } from '../../shared/feed/reducer';
import type { FeedMessage } from '../../shared/feed/types';
import { createLogger, formatLogLine } from '../../shared/log';
import { STREAMS, type StreamName } from '../../shared/protocol/events';
import { UsageError, flagOrEnv, parseFlags, type CliCommand } from '../command';
import { describeChanges } from './tail-format';
import { tailTranscript } from './tail-transcript';
import { CALL_KEY_PATTERN } from '../../shared/protocol/transcript';

const USAGE = `Usage: callboard tail [--url URL] [--token T] [--json] [--campaigns]
       callboard tail --transcript CALLSID [--url URL] [--token T] [--json]

Connects to a Callboard server (or any seed-protocol server) as a client, prints the
active calls, then one line per update. Exits non-zero with a clear message when the server
cannot be reached or refuses the token; after that, it reconnects by itself. Ctrl-C stops.

Options:
  --url URL       server address (default http://127.0.0.1:7070)   CALLBOARD_URL
  --token T       sent as auth.token                              CALLBOARD_TOKEN
  --json          one JSON object per line: {"type":"snapshot"|"update"|"removed", ...}
  --campaigns     also print campaigns
  --transcript CALLSID
                  print that call's transcript instead: the turns so far, then each
                  new turn, correction and removal, live (time in the call, who spoke)
  --verbose       log connection details to stderr`;

export const tailCommand: CliCommand = {
  name: 'tail',
  summary: 'print the live calls of a server, line by line (a quick deployment check)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      url: { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean' },
      campaigns: { type: 'boolean' },
      verbose: { type: 'boolean' },
      transcript: { type: 'string' },
    });
    const url = flagOrEnv(values.url, io.env, 'CALLBOARD_URL', 'http://127.0.0.1:7070')!;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`--url must be an http(s) URL like http://127.0.0.1:7070, got "${url}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UsageError(`--url must start with http:// or https://, got "${url}"`);
    }
    const token = flagOrEnv(values.token, io.env, 'CALLBOARD_TOKEN');
    const json = values.json ?? false;
    if (values.transcript !== undefined) {
      if (!CALL_KEY_PATTERN.test(values.transcript)) {
        throw new UsageError(
          `--transcript must be a call key (1-128 letters, digits, ".", "_", ":" or "-"), got "${values.transcript}"`,
        );
      }
      return tailTranscript({
        url,
        ...(token !== undefined ? { token } : {}),
        callSid: values.transcript,
        json,
        io,
        verbose: values.verbose ?? false,
      });
    }
    const streams: StreamName[] = values.campaigns ? [...STREAMS] : ['calls'];
    const logger = createLogger({
      sink: (r) => io.stderr(`${formatLogLine(r)}\n`),
      level: values.verbose ? 'debug' : 'error',
      scope: 'tail',
    });
    const feed = createRemoteFeed({
      url,
      ...(token !== undefined ? { token } : {}),
      streams,
      logger,
    });

    let state = initialFeedState();
    const resyncAsked = new Set<StreamName>();
    const apply = (message: FeedMessage) => {
      const transition = applyFeedMessage(state, message);
      state = transition.state;
      const at = message.kind === 'tick' ? message.now : message.at;
      for (const line of describeChanges(state, transition.changes, {
        json,
        at,
        streams,
        fromBatch: message.kind === 'batch',
      })) {
        io.stdout(`${line}\n`);
      }
      for (const stream of STREAMS) {
        const reason = state.resyncNeeded[stream];
        if (!reason) resyncAsked.delete(stream);
        else if (!resyncAsked.has(stream)) {
          resyncAsked.add(stream);
          io.stderr(`callboard tail: ${stream}: ${reason}; asking for a fresh snapshot\n`);
          feed.resync(stream, reason);
        }
      }
    };

    // Terminal calls linger in the state for a few seconds (the reducer's rule); time moves them out.
    const ticker = setInterval(() => apply({ kind: 'tick', now: Date.now() }), 1000);
    let offStop: (() => void) | null = null;
    let onPipeError: ((error: NodeJS.ErrnoException) => void) | null = null;
    const exitCode = await new Promise<number>((resolve) => {
      let live = false;
      let last: FeedStatus['status'] | null = null;
      feed.onMessage(apply);
      feed.onProblem((problem) =>
        io.stderr(`callboard tail: bad data from the server: ${problem}\n`),
      );
      let saidSimulated = false;
      feed.onStatus((status) => {
        if (status.status === 'failed' && !live) {
          io.stderr(`callboard tail: ${status.error ?? 'cannot connect'}\n`);
          resolve(1);
          return;
        }
        if (status.status === 'live') live = true;
        if (status.simulated && !saidSimulated) {
          saidSimulated = true;
          io.stderr(`callboard tail: the server's data is simulated (serve --demo)\n`);
        }
        if (status.status === last) return;
        last = status.status;
        if (status.status === 'reconnecting' || status.status === 'failed') {
          const retry = status.nextRetryAt
            ? `; retrying in ${Math.max(0, Math.round((status.nextRetryAt - Date.now()) / 1000))}s`
            : '';
          io.stderr(`callboard tail: ${status.error ?? status.status}${retry}\n`);
        } else if (status.status === 'live' && values.verbose) {
          io.stderr(`callboard tail: live (protocol ${status.protocol ?? '?'})\n`);
        }
      });
      offStop = io.onStopSignal(() => resolve(0));
      // `callboard tail | head`: the reader went away, which is a normal way to stop.
      onPipeError = (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') resolve(0);
      };
      process.stdout.on('error', onPipeError);
      feed.start();
    });
    (offStop as (() => void) | null)?.();
    if (onPipeError) process.stdout.off('error', onPipeError);
    clearInterval(ticker);
    await feed.stop();
    return exitCode;
  },
};
