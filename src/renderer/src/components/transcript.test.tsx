// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Scope } from '../../../shared/privacy/scopes';
import type { TranscriptTurn } from '../../../shared/protocol/transcript';
import { renderApp } from '../test-support/render-app';
import {
  callEntry,
  createMemoryApi,
  emptySnapshot,
  liveConnection,
  transcriptView,
} from '../test-support/memory-api';

afterEach(cleanup);

const turn = (id: string, seq: number, patch: Partial<TranscriptTurn> = {}): TranscriptTurn => ({
  id,
  seq,
  role: 'agent',
  message: `message ${id}`,
  ...patch,
});

const TURNS = [
  turn('t1', 1, { timeInCallSecs: 2, message: 'Hello, this is Ada calling about your order.' }),
  turn('t2', 2, { role: 'caller', timeInCallSecs: 7, message: 'Which order?' }),
  turn('t3', 3, {
    timeInCallSecs: 65,
    message: 'Order 42. Let me check.',
    actions: [{ kind: 'tool_call', label: 'lookup_order' }],
  }),
];

async function openCall(
  status: 'in-progress' | 'completed' = 'in-progress',
  view = transcriptView('CA2', { turns: TURNS }),
  scopes?: Scope[],
) {
  const api = createMemoryApi(
    emptySnapshot({
      calls: [callEntry({ callSid: 'CA2', contactName: 'Bob Stone', status })],
      ...(scopes ? { connection: liveConnection({ mode: 'remote', scopes }) } : {}),
    }),
  );
  api.transcripts.set('CA2', view);
  const app = renderApp(undefined, api);
  await screen.findByText('Bob Stone');
  act(() => app.store.getState().selectCall('CA2'));
  const region = await screen.findByRole('region', { name: 'Transcript' });
  return { ...app, api, region };
}

const shownTurns = (region: HTMLElement) =>
  [...region.querySelectorAll('.transcript-turn')].map((li) =>
    [...li.children].map((c) => c.textContent).join(' | '),
  );

describe('call transcript', () => {
  it('opening a call shows who spoke, when in the call, chips and the live marker', async () => {
    const { api, region } = await openCall();
    expect(api.calls).toContainEqual(['openTranscript', 'CA2']);
    await within(region).findByText('Which order?');
    expect(shownTurns(region)).toEqual([
      'Agent | 0:02 | Hello, this is Ada calling about your order.',
      'Caller | 0:07 | Which order?',
      'Agent | 1:05 | Order 42. Let me check. | Tool call: lookup_order',
    ]);
    expect(within(region).getByTestId('transcript-live')).toHaveProperty('textContent', '● Live');
  });

  it('an ended call has no live marker; closing the details closes the transcript', async () => {
    const { api, region } = await openCall('completed');
    await within(region).findByText('Which order?');
    expect(within(region).queryByTestId('transcript-live')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Close call details' }));
    expect(api.calls).toContainEqual(['closeTranscript', 'CA2']);
  });

  it('applies deltas of the open call only, and announces just the new turn', async () => {
    const { api, region } = await openCall();
    await within(region).findByText('Which order?');
    const announcer = within(region).getByTestId('transcript-announcer');
    expect(announcer.getAttribute('aria-live')).toBe('polite');
    expect(announcer.textContent).toBe('');
    act(() =>
      api.emitTranscript({
        callSid: 'CA2',
        phase: 'live',
        upserted: [
          turn('t4', 4, { role: 'caller', timeInCallSecs: 70, message: 'Thanks.' }),
          turn('t2', 5, { role: 'caller', timeInCallSecs: 7, message: 'Which order, sorry?' }),
        ],
        removed: ['t1'],
      }),
    );
    act(() => api.emitTranscript({ callSid: 'CA9', phase: 'live', upserted: [turn('x', 9)] }));
    expect(shownTurns(region)).toEqual([
      'Caller | 0:07 | Which order, sorry?',
      'Agent | 1:05 | Order 42. Let me check. | Tool call: lookup_order',
      'Caller | 1:10 | Thanks.',
    ]);
    expect(announcer.textContent).toBe('Caller, 1:10: Thanks.');
  });

  it('follows new turns until scrolled up, then offers Jump to live', async () => {
    const { api, region } = await openCall();
    const list = await within(region).findByRole('list', { name: 'Transcript turns' });
    // happy-dom has no layout: give the list a height and content taller than it.
    let height = 600;
    Object.defineProperty(list, 'clientHeight', { configurable: true, get: () => 200 });
    Object.defineProperty(list, 'scrollHeight', { configurable: true, get: () => height });
    const add = (id: string, seq: number) =>
      act(() =>
        api.emitTranscript({
          callSid: 'CA2',
          phase: 'live',
          upserted: [turn(id, seq, { timeInCallSecs: 100 + seq })],
        }),
      );
    add('t4', 4);
    expect(list.scrollTop).toBe(600); // followed to the end
    expect(within(region).queryByRole('button', { name: /Jump to live/ })).toBeNull();

    list.scrollTop = 100;
    fireEvent.scroll(list);
    height = 700;
    add('t5', 5);
    expect(list.scrollTop).toBe(100); // the supervisor's place is kept
    const jump = within(region).getByRole('button', { name: 'Jump to live (1 new)' });
    fireEvent.click(jump);
    expect(list.scrollTop).toBe(700);
    expect(document.activeElement).toBe(list);
    expect(within(region).queryByRole('button', { name: /Jump to live/ })).toBeNull();
  });

  it('find highlights every match and steps through them with Enter and the buttons', async () => {
    const { region } = await openCall();
    const box = within(region).getByRole('searchbox', { name: 'Find in transcript' });
    fireEvent.change(box, { target: { value: 'ORDER' } });
    const marks = () => [...region.querySelectorAll('mark')];
    expect(marks().map((m) => m.textContent)).toEqual(['order', 'order', 'Order']);
    const count = () => region.querySelector('.transcript-find-count')?.textContent;
    const currentText = () =>
      region.querySelector('mark.is-current')?.closest('li')?.dataset.turnId;
    expect(count()).toBe('1 of 3');
    expect(currentText()).toBe('t1');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect([count(), currentText()]).toEqual(['2 of 3', 't2']);
    fireEvent.click(within(region).getByRole('button', { name: 'Next match' }));
    fireEvent.click(within(region).getByRole('button', { name: 'Next match' }));
    expect([count(), currentText()]).toEqual(['1 of 3', 't1']); // wraps around
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect([count(), currentText()]).toEqual(['3 of 3', 't3']);
    fireEvent.keyDown(box, { key: 'Escape' });
    expect([(box as HTMLInputElement).value, marks().length, count()]).toEqual(['', 0, '']);
    fireEvent.change(box, { target: { value: 'refund' } });
    expect(count()).toBe('No matches');
    expect(marks()).toHaveLength(0);
    expect(within(region).getByRole('button', { name: 'Previous match' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it.each([
    ['loading', transcriptView('CA2', { phase: 'loading' }), 'in-progress', 'Loading transcript…'],
    [
      'no turns yet on a live call',
      transcriptView('CA2'),
      'in-progress',
      'No turns yet: they appear here as they are spoken.',
    ],
    [
      'no transcript on an ended call',
      transcriptView('CA2'),
      'completed',
      'No transcript for this call.',
    ],
    [
      'a source without transcripts',
      transcriptView('CA2', {
        phase: 'error',
        error: 'transcripts need a server with transcripts',
      }),
      'in-progress',
      'Transcript unavailable: transcripts need a server with transcripts',
    ],
    [
      'reconnecting',
      transcriptView('CA2', { phase: 'reconnecting', turns: TURNS }),
      'in-progress',
      'Reconnecting: the latest turns may be missing.',
    ],
  ] as const)('shows the %s state', async (_, view, status, text) => {
    const { region } = await openCall(status, view);
    expect(await within(region).findByText(text)).toBeTruthy();
  });

  it('says why when the transcript cannot be opened at all', async () => {
    const api = createMemoryApi(
      emptySnapshot({ calls: [callEntry({ callSid: 'CA2', contactName: 'Bob Stone' })] }),
    );
    api.transcriptError = 'the app did not answer transcript:open';
    const app = renderApp(undefined, api);
    await screen.findByText('Bob Stone');
    act(() => app.store.getState().selectCall('CA2'));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Transcript unavailable: the app did not answer transcript:open',
    );
  });
});

describe('call transcript and the token scopes', () => {
  const WALLBOARD: Scope[] = ['calls', 'campaigns', 'outcomes'];
  const notice = 'This token may not read transcripts.';

  it('without "transcripts" says so and never opens the transcript', async () => {
    const { api, region } = await openCall('in-progress', undefined, WALLBOARD);
    expect(within(region).getByRole('status').textContent).toContain(notice);
    expect(shownTurns(region)).toEqual([]);
    expect(api.calls.filter(([op]) => op === 'openTranscript')).toEqual([]);
    expect(within(region).queryByText(/No transcript for this call|No turns yet/)).toBeNull();
  });

  it('with "transcripts" (and not pii) opens it as before', async () => {
    const { api, region } = await openCall('in-progress', undefined, [...WALLBOARD, 'transcripts']);
    await within(region).findByText('Which order?');
    expect(api.calls).toContainEqual(['openTranscript', 'CA2']);
  });

  it('a forbidden refusal from the server is a notice in place of the turns', async () => {
    const { api, region } = await openCall();
    await within(region).findByText('Which order?');
    const reason = 'the server refused the transcript: this token has no "transcripts" scope';
    act(() => api.emitTranscript({ callSid: 'CA2', phase: 'forbidden', error: reason }));
    const status = await within(region).findByText(notice);
    expect(status.closest('[role="status"]')!.textContent).toContain(`The server said: ${reason}`);
    expect(shownTurns(region)).toEqual([]);
    expect(within(region).queryByRole('alert')).toBeNull();
  });

  it('losing the scope while a transcript is open closes it and says why', async () => {
    const { api, region } = await openCall('in-progress', undefined, [...WALLBOARD, 'transcripts']);
    await within(region).findByText('Which order?');
    act(() => api.emit({ connection: liveConnection({ mode: 'remote', scopes: WALLBOARD }) }));
    await within(screen.getByRole('region', { name: 'Transcript' })).findByText(notice);
    expect(api.calls).toContainEqual(['closeTranscript', 'CA2']);
    expect(shownTurns(screen.getByRole('region', { name: 'Transcript' }))).toEqual([]);
  });
});
