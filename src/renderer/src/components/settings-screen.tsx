import { useEffect, useState } from 'react';
import { ALERT_KINDS, type AlertThresholds } from '../../../shared/alerts-types';
import type { ConnectionTestReport } from '../../../shared/ipc';
import { KEPT_DIGITS } from '../../../shared/privacy/masking';
import { settingsFieldErrors, type Settings } from '../../../shared/settings';
import { useApi, useCallboard } from '../store/context';
import { CheckField, MappingField, NumberField, TextField } from './settings-fields';

const THRESHOLD_FIELDS: {
  key: keyof AlertThresholds;
  label: string;
  /** Empty means "none" (null) rather than a missing number. */
  nullable?: boolean;
  hint?: string;
}[] = [
  { key: 'waitingSeconds', label: 'Waiting call alert after (seconds)' },
  { key: 'longCallMinutes', label: 'Long call alert after (minutes)' },
  { key: 'campaignFailureRatePercent', label: 'Campaign failure rate alert (%)' },
  { key: 'campaignMinCalls', label: 'Failure rate checked after (calls)' },
  { key: 'feedStaleSeconds', label: 'Feed down alert after (seconds)' },
  { key: 'cooldownSeconds', label: 'Repeat the same alert after (seconds)' },
  { key: 'quietCallMinutes', label: 'Mark a call with no update after (minutes)' },
  { key: 'agentSuccessRatePercent', label: 'Agent success rate alert below (%)' },
  { key: 'agentSuccessCalls', label: 'Success rate over the agent’s last (analysed calls)' },
  { key: 'criterionPassRatePercent', label: 'Criterion pass rate alert below (%)' },
  { key: 'campaignMachineRatePercent', label: 'Campaign machine rate alert above (%)' },
  { key: 'outcomeMinCalls', label: 'Pass and machine rates checked after (results, 60 min)' },
  {
    key: 'planLimit',
    label: 'Plan limit (concurrent calls)',
    nullable: true,
    hint: 'Leave empty if unknown; a server that sets one (serve --plan-limit) overrides it',
  },
  { key: 'concurrencyAlertPercent', label: 'Concurrency alert at (% of the plan limit)' },
  {
    key: 'spendPerHour',
    label: 'Spend alert above (cost per hour)',
    nullable: true,
    hint: 'In the unit calls report their cost in (ElevenLabs credits); empty: no alert',
  },
];

const KIND_LABELS: Record<(typeof ALERT_KINDS)[number], string> = {
  'call-failed': 'A call failed',
  'call-waiting': 'A call waits too long',
  'call-long': 'A call runs long',
  'campaign-failure-rate': 'A campaign fails too often',
  'campaign-completed': 'A campaign completed',
  'feed-down': 'The feed is down',
  'agent-success-rate': 'An agent succeeds too rarely',
  'criterion-pass-rate': 'An evaluation criterion fails too often',
  'campaign-machine-rate': 'Machines answer a campaign too often',
  concurrency: 'Calls near the plan limit',
  'spend-rate': 'Spend per hour too high',
};

/** The sections of the settings that are objects (all but `mode`). */
type SettingsSection = Exclude<keyof Settings, 'mode'>;

type Status =
  | { kind: 'idle' }
  | { kind: 'busy'; what: string }
  | { kind: 'saved' }
  | { kind: 'error'; message: string };

export function SettingsScreen() {
  const api = useApi();
  const view = useCallboard((s) => s.settingsView);
  const setSettingsView = useCallboard((s) => s.setSettingsView);
  const [draft, setDraft] = useState<Settings | null>(view?.settings ?? null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [report, setReport] = useState<ConnectionTestReport | null>(null);

  useEffect(() => {
    let live = true;
    void api.getSettings().then(
      (result) => {
        if (!live) return;
        if (result.ok) {
          setSettingsView(result.value);
          setDraft((d) => d ?? result.value.settings);
        } else setLoadError(result.message);
      },
      (e: unknown) => live && setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, setSettingsView]);

  if (!draft) {
    return (
      <section className="settings panel" aria-label="Settings">
        {loadError ? (
          <p role="alert" className="panel-state">
            Cannot load the settings: {loadError}
          </p>
        ) : (
          <p role="status" className="panel-state">
            Loading settings…
          </p>
        )}
      </section>
    );
  }

  const errors = settingsFieldErrors(draft);
  const invalid = Object.keys(errors).length > 0;
  const update = (patch: (s: Settings) => Settings) => {
    setDraft((d) => (d ? patch(d) : d));
    setStatus({ kind: 'idle' });
  };

  /** Changes some fields of one section of the draft. */
  const set = <K extends SettingsSection>(section: K, patch: Partial<Settings[K]>) =>
    update((s) => ({ ...s, [section]: { ...s[section], ...patch } }));
  const updateMapping = (kind: 'calls' | 'campaigns', mapping: Record<string, string>) =>
    update((s) => ({
      ...s,
      embedded: { ...s.embedded, statusMapping: { ...s.embedded.statusMapping, [kind]: mapping } },
    }));

  const testConnection = async () => {
    setStatus({ kind: 'busy', what: 'Testing the connection…' });
    setReport(null);
    const result = await api.testConnection(draft);
    if (result.ok) {
      setReport(result.value);
      setStatus({ kind: 'idle' });
    } else setStatus({ kind: 'error', message: result.message });
  };

  const save = async () => {
    setStatus({ kind: 'busy', what: 'Saving…' });
    const result = await api.saveSettings(draft);
    if (result.ok) {
      setSettingsView(result.value);
      setDraft(result.value.settings);
      setStatus({ kind: 'saved' });
    } else setStatus({ kind: 'error', message: result.message });
  };

  return (
    <form
      className="settings panel"
      aria-label="Settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) void save();
      }}
    >
      <h2>Settings</h2>
      {view?.loadProblem ? (
        <p className="settings-note" role="note">
          {view.loadProblem}
        </p>
      ) : null}
      <div className="settings-grid">
        <fieldset>
          <legend>Connection</legend>
          <div role="radiogroup" aria-label="Mode" className="mode-choice">
            {(['demo', 'remote', 'embedded'] as const).map((mode) => (
              <label key={mode} className="check-field">
                <input
                  type="radio"
                  name="mode"
                  value={mode}
                  checked={draft.mode === mode}
                  onChange={() => update((s) => ({ ...s, mode }))}
                />
                <span>
                  {mode === 'demo'
                    ? 'Demo (simulated traffic)'
                    : mode === 'remote'
                      ? 'Remote server'
                      : 'Embedded (own MongoDB)'}
                </span>
              </label>
            ))}
          </div>
          {draft.mode === 'remote' ? (
            <>
              <TextField
                label="Server URL"
                type="url"
                value={draft.remote.url}
                error={errors['remote.url']}
                onChange={(url) => set('remote', { url })}
              />
              <TextField
                label="Access token"
                type="password"
                value={draft.remote.token}
                error={errors['remote.token']}
                placeholder={view?.secretsSet.remoteToken ? 'Saved; leave empty to keep' : ''}
                onChange={(token) => set('remote', { token })}
              />
            </>
          ) : null}
          {draft.mode === 'embedded' ? (
            <>
              <TextField
                label="MongoDB connection string"
                type="password"
                value={draft.embedded.mongoUri}
                error={errors['embedded.mongoUri']}
                placeholder={
                  view?.secretsSet.mongoUri
                    ? 'Saved; leave empty to keep'
                    : 'mongodb://host:27017/?replicaSet=rs0'
                }
                onChange={(mongoUri) => set('embedded', { mongoUri })}
              />
              <TextField
                label="Database"
                value={draft.embedded.database}
                error={errors['embedded.database']}
                onChange={(database) => set('embedded', { database })}
              />
              <TextField
                label="Calls collection"
                value={draft.embedded.callsCollection}
                error={errors['embedded.callsCollection']}
                onChange={(callsCollection) => set('embedded', { callsCollection })}
              />
              <TextField
                label="Campaigns collection"
                value={draft.embedded.campaignsCollection}
                error={errors['embedded.campaignsCollection']}
                onChange={(campaignsCollection) => set('embedded', { campaignsCollection })}
              />
              <NumberField
                label="Serve other clients on port"
                hint="Leave empty not to serve"
                nullable
                value={draft.embedded.servePort}
                error={errors['embedded.servePort']}
                onChange={(servePort) => set('embedded', { servePort })}
              />
              <MappingField
                label="Call statuses to add"
                hint="One per line: value = initiated, queued, ringing, in-progress, completed, failed, busy, no-answer, canceled or unknown"
                value={draft.embedded.statusMapping.calls}
                error={errors['embedded.statusMapping']}
                onChange={(calls) => updateMapping('calls', calls)}
              />
              <MappingField
                label="Campaign statuses to add"
                hint="One per line: value = active, completed, failed or canceled"
                value={draft.embedded.statusMapping.campaigns}
                onChange={(campaigns) => updateMapping('campaigns', campaigns)}
              />
            </>
          ) : null}
          <div className="button-row">
            <button
              type="button"
              disabled={invalid || status.kind === 'busy'}
              onClick={() => void testConnection()}
            >
              Test connection
            </button>
          </div>
          {report ? (
            <div
              className={`test-report ${report.ok ? 'is-ok' : 'is-bad'}`}
              role="status"
              data-testid="test-report"
            >
              <strong>{report.ok ? 'Connected' : 'Failed'}</strong> ({Math.round(report.durationMs)}{' '}
              ms): {report.summary}
              {report.error ? <p className="field-error">{report.error}</p> : null}
            </div>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>Alert thresholds</legend>
          {THRESHOLD_FIELDS.map((f) => (
            <NumberField
              key={f.key}
              label={f.label}
              hint={f.hint}
              nullable={f.nullable}
              value={draft.alerts[f.key]}
              error={errors[`alerts.${f.key}`]}
              onChange={(value) =>
                set('alerts', { [f.key]: f.nullable ? value : (value ?? Number.NaN) })
              }
            />
          ))}
        </fieldset>
        <fieldset>
          <legend>Notifications</legend>
          <CheckField
            label="Show desktop notifications"
            checked={draft.notifications.enabled}
            onChange={(enabled) => set('notifications', { enabled })}
          />
          <CheckField
            label="Play a sound"
            checked={draft.notifications.sound}
            onChange={(sound) => set('notifications', { sound })}
          />
          <p className="field-hint">Notify me when:</p>
          {ALERT_KINDS.map((kind) => (
            <CheckField
              key={kind}
              label={KIND_LABELS[kind]}
              checked={draft.notifications.kinds[kind]}
              onChange={(on) =>
                set('notifications', { kinds: { ...draft.notifications.kinds, [kind]: on } })
              }
            />
          ))}
        </fieldset>
        <fieldset>
          <legend>Window</legend>
          <CheckField
            label="Closing the window keeps Callboard in the tray"
            checked={draft.window.closeToTray}
            onChange={(closeToTray) => set('window', { closeToTray })}
          />
        </fieldset>
        <fieldset>
          <legend>Wallboard</legend>
          <CheckField
            label="Show callers' full numbers and names on the wallboard"
            checked={draft.wallboard.showNumbersAndNames}
            onChange={(showNumbersAndNames) => set('wallboard', { showNumbersAndNames })}
          />
          <p className="field-hint">
            Off: numbers show their last {KEPT_DIGITS} digits and names their initials, for a screen
            others can see.
          </p>
        </fieldset>
      </div>
      <div className="button-row settings-actions">
        <button type="submit" className="primary" disabled={invalid || status.kind === 'busy'}>
          Save
        </button>
        <span role="status" className="settings-status" data-testid="settings-status">
          {status.kind === 'busy' ? status.what : null}
          {status.kind === 'saved' ? 'Saved.' : null}
          {invalid ? `Fix ${Object.keys(errors).length} field(s) before saving.` : null}
        </span>
        {status.kind === 'error' ? (
          <span role="alert" className="field-error">
            {status.message}
          </span>
        ) : null}
        {view ? <span className="muted settings-file">Stored in {view.file}</span> : null}
      </div>
    </form>
  );
}
