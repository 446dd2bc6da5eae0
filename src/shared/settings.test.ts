import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, settingsFieldErrors, type Settings } from './settings';

const withChange = (change: (s: Settings) => void): unknown => {
  const copy = structuredClone(DEFAULT_SETTINGS);
  change(copy);
  return copy;
};

describe('settings', () => {
  it('the defaults are valid', () => {
    expect(parseSettings(DEFAULT_SETTINGS)).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  it('accepts a full embedded configuration and trims values', () => {
    const r = parseSettings(
      withChange((s) => {
        s.mode = 'embedded';
        s.embedded.mongoUri = ' mongodb://u:p@db1:27017,db2:27017/?replicaSet=rs0 ';
        s.embedded.servePort = 7070;
        s.remote.url = ' https://callboard.example:8443 ';
      }),
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.embedded.mongoUri).toBe('mongodb://u:p@db1:27017,db2:27017/?replicaSet=rs0');
      expect(r.value.remote.url).toBe('https://callboard.example:8443');
    }
  });

  it.each<[string, (s: Settings) => void, string, RegExp]>([
    ['unknown mode', (s) => ((s as { mode: string }).mode = 'cloud'), 'mode', /Invalid option/],
    [
      'javascript: remote URL',
      (s) => (s.remote.url = 'javascript:alert(1)'),
      'remote.url',
      /http:\/\/ or https:\/\//,
    ],
    [
      'file: remote URL',
      (s) => (s.remote.url = 'file:///etc/passwd'),
      'remote.url',
      /http:\/\/ or https:\/\//,
    ],
    [
      'not a URL',
      (s) => (s.remote.url = 'localhost:7070'),
      'remote.url',
      /http:\/\/ or https:\/\//,
    ],
    [
      'not a MongoDB URI',
      (s) => (s.embedded.mongoUri = 'postgres://db'),
      'embedded.mongoUri',
      /MongoDB connection string/,
    ],
    [
      'database with a dot',
      (s) => (s.embedded.database = 'call.center'),
      'embedded.database',
      /may not contain/,
    ],
    [
      'database with a space',
      (s) => (s.embedded.database = 'call center'),
      'embedded.database',
      /may not contain/,
    ],
    [
      'empty collection',
      (s) => (s.embedded.callsCollection = '  '),
      'embedded.callsCollection',
      /must not be empty/,
    ],
    ['port 0', (s) => (s.embedded.servePort = 0), 'embedded.servePort', /too small|>=1/i],
    [
      'port 70000',
      (s) => (s.embedded.servePort = 70_000),
      'embedded.servePort',
      /too big|<=65535/i,
    ],
    [
      'waiting 1 s',
      (s) => (s.alerts.waitingSeconds = 1),
      'alerts.waitingSeconds',
      /too small|>=5/i,
    ],
    [
      'fractional minutes',
      (s) => (s.alerts.longCallMinutes = 1.5),
      'alerts.longCallMinutes',
      /int/i,
    ],
    [
      'rate over 100%',
      (s) => (s.alerts.campaignFailureRatePercent = 150),
      'alerts.campaignFailureRatePercent',
      /too big|<=100/i,
    ],
    [
      'string threshold',
      (s) => ((s.alerts as unknown as Record<string, unknown>).cooldownSeconds = '60'),
      'alerts.cooldownSeconds',
      /expected number/,
    ],
    [
      'a plan limit of 0',
      (s) => (s.alerts.planLimit = 0),
      'alerts.planLimit',
      /plan limit must be at least 1 concurrent call/,
    ],
    [
      'a fractional plan limit',
      (s) => (s.alerts.planLimit = 12.5),
      'alerts.planLimit',
      /plan limit must be a whole number/,
    ],
    [
      'a plan limit in words',
      (s) => ((s.alerts as unknown as Record<string, unknown>).planLimit = 'forty'),
      'alerts.planLimit',
      /plan limit must be a number/,
    ],
    [
      'a negative spend limit',
      (s) => (s.alerts.spendPerHour = -5),
      'alerts.spendPerHour',
      /too small|>0/i,
    ],
    [
      'a success rate over 100 %',
      (s) => (s.alerts.agentSuccessRatePercent = 101),
      'alerts.agentSuccessRatePercent',
      /too big|<=100/i,
    ],
    [
      'a fractional last-N',
      (s) => (s.alerts.agentSuccessCalls = 2.5),
      'alerts.agentSuccessCalls',
      /int/i,
    ],
    [
      'a concurrency alert past burst (300 %)',
      (s) => (s.alerts.concurrencyAlertPercent = 400),
      'alerts.concurrencyAlertPercent',
      /too big|<=300/i,
    ],
    [
      'an unknown key',
      (s) => ((s as unknown as Record<string, unknown>).extra = 1),
      '',
      /Unrecognized key/,
    ],
    [
      'an unknown alert kind',
      (s) => ((s.notifications.kinds as Record<string, boolean>).spam = true),
      'notifications.kinds',
      /Unrecognized key/,
    ],
  ])('rejects %s, naming the field', (_name, change, field, message) => {
    const input = withChange(change);
    const r = parseSettings(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^invalid settings: /);
    const errors = settingsFieldErrors(input);
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field]).toMatch(message);
  });

  it.each([null, 'settings', 42, [], {}])('rejects %j as a whole', (input) => {
    expect(parseSettings(input).ok).toBe(false);
  });

  it('allows an empty MongoDB URI (not configured yet) and a null port', () => {
    expect(parseSettings(withChange((s) => (s.embedded.mongoUri = ''))).ok).toBe(true);
  });

  it('reads a settings file written before the status mapping and quiet threshold existed', () => {
    const old = structuredClone(DEFAULT_SETTINGS) as unknown as {
      embedded: Record<string, unknown>;
      alerts: Record<string, unknown>;
    };
    delete old.embedded.statusMapping;
    delete old.alerts.quietCallMinutes;
    expect(parseSettings(old)).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  it('masks numbers and names on the wallboard by default, also for a file from before it', () => {
    expect(DEFAULT_SETTINGS.wallboard.showNumbersAndNames).toBe(false);
    const old = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown>;
    delete old.wallboard;
    expect(parseSettings(old)).toEqual({ ok: true, value: DEFAULT_SETTINGS });
    const shown = withChange((s) => (s.wallboard.showNumbersAndNames = true));
    expect(parseSettings(shown)).toMatchObject({
      ok: true,
      value: { wallboard: { showNumbersAndNames: true } },
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['a string for the switch', { showNumbersAndNames: 'yes' }, /wallboard\.showNumbersAndNames/],
    ['an unknown field', { showNumbersAndNames: false, showTranscripts: true }, /showTranscripts/],
    ['a list', [], /wallboard/],
  ])('refuses a wallboard section with %s, naming the field', (_n, wallboard, message) => {
    const bad = { ...structuredClone(DEFAULT_SETTINGS), wallboard };
    const result = parseSettings(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('names a bad status mapping entry', () => {
    const bad = withChange((s) => {
      s.embedded.statusMapping.calls = { transferring: 'in-progress', parked: 'hold' };
    });
    expect(settingsFieldErrors(bad)).toEqual({
      'embedded.statusMapping': expect.stringMatching(
        /^status mapping calls\["parked"\]: "hold" is not one of initiated, /,
      ) as unknown,
    });
    const good = withChange((s) => {
      s.embedded.statusMapping.calls = { transferring: 'in-progress' };
    });
    expect(parseSettings(good).ok).toBe(true);
  });

  it('has no field errors for valid settings', () => {
    expect(settingsFieldErrors(DEFAULT_SETTINGS)).toEqual({});
  });
});
