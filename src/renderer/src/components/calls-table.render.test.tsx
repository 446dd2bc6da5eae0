// @vitest-environment happy-dom
import { act, cleanup, screen } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as CallRowModule from './call-row';
import { renderApp } from '../test-support/render-app';
import { callEntry, emptySnapshot, NOW } from '../test-support/memory-api';

/*
 * Proves the narrow selection: the table renders each row element only when the table itself
 * renders, so a probe standing in for CallRow (deliberately not memoised) counts table renders
 * per row. One call's update must re-render that row (its own subscription), not the table.
 */
const renders = vi.hoisted(() => new Map<string, number>());

vi.mock('./call-row', async (importOriginal) => {
  const actual = await importOriginal<typeof CallRowModule>();
  function CallRowProbe(props: ComponentProps<typeof actual.CallRow>) {
    renders.set(props.callSid, (renders.get(props.callSid) ?? 0) + 1);
    return <actual.CallRow {...props} />;
  }
  return { ...actual, CallRow: CallRowProbe };
});

afterEach(() => {
  cleanup();
  renders.clear();
});

const rowFor = (callSid: string) =>
  document.querySelector<HTMLElement>(`[data-call-sid="${callSid}"]`);

describe('calls table rendering', () => {
  it('updates one row without rendering the table again', async () => {
    const calls = ['CA1', 'CA2', 'CA3'].map((callSid, i) =>
      callEntry({ callSid, contactName: `Contact ${i}`, agentId: 'ag-1' }),
    );
    const { api } = renderApp(emptySnapshot({ calls }));
    await screen.findByText('Contact 1');
    const before = new Map(renders);

    act(() =>
      api.emit({
        callsUpserted: [{ ...calls[1]!, call: { ...calls[1]!.call, agentId: 'ag-9' } }],
        at: NOW + 1,
      }),
    );

    expect(rowFor('CA2')!.textContent).toContain('ag-9');
    expect(renders).toEqual(before);
  });

  it('renders the table again when the rows change', async () => {
    const { api } = renderApp(emptySnapshot({ calls: [callEntry({ callSid: 'CA1' })] }));
    await screen.findByTestId('calls-count');
    const before = renders.get('CA1') ?? 0;
    act(() => api.emit({ callsUpserted: [callEntry({ callSid: 'CA2' })], at: NOW + 1 }));
    expect(rowFor('CA2')).not.toBeNull();
    expect(renders.get('CA1')).toBeGreaterThan(before);
  });
});
