import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, type KeyboardEvent } from 'react';
import { createVisibleIdsSelector } from '../lib/call-list';
import { useCallboard, useStoreApi } from '../store/context';
import type { SortKey } from '../store/types';
import { CallRow } from './call-row';

const ROW_HEIGHT = 34;

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'contact', label: 'Contact' },
  { key: 'number', label: 'Number' },
  { key: 'status', label: 'Status' },
  { key: 'duration', label: 'Duration' },
  { key: 'agent', label: 'Agent' },
  { key: 'campaign', label: 'Campaign' },
];

function SortHeader() {
  const sort = useCallboard((s) => s.sort);
  const sortBy = useCallboard((s) => s.sortBy);
  return (
    <div role="rowgroup" className="calls-head">
      <div role="row" aria-rowindex={1} className="call-row call-head-row">
        {COLUMNS.map((c) => {
          const active = sort.key === c.key;
          return (
            <span
              key={c.key}
              role="columnheader"
              aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
            >
              <button type="button" onClick={() => sortBy(c.key)}>
                {c.label}
                <span aria-hidden="true" className="sort-mark">
                  {active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </span>
              </button>
            </span>
          );
        })}
      </div>
    </div>
  );
}

/**
 * The active calls, virtualised: only the rows in view (plus a few) are in the DOM, so 10,000
 * calls cost what 30 do. The table re-renders when the list of ids changes, never because one
 * call's fields did.
 */
export function CallsTable() {
  const selectIds = useMemo(() => createVisibleIdsSelector(), []);
  const ids = useCallboard(selectIds);
  const total = useCallboard((s) => s.callCount);
  const store = useStoreApi();
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is stateful by design; this component is not compiler-memoized, which is fine
  // because the rows below it are memo components that select their own data.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // Until layout gives the body a height (and in DOM-less tests), assume a typical one.
    initialRect: { width: 960, height: 480 },
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => {
        if (rect.height > 0) cb(rect);
      }),
    getItemKey: (index) => ids[index] ?? index,
  });

  const moveSelection = (event: KeyboardEvent<HTMLDivElement>) => {
    const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End', 'Escape'];
    if (!keys.includes(event.key) || ids.length === 0) return;
    event.preventDefault();
    const state = store.getState();
    if (event.key === 'Escape') {
      state.selectCall(null);
      return;
    }
    const current = state.selectedCallSid ? ids.indexOf(state.selectedCallSid) : -1;
    let next = current;
    if (event.key === 'ArrowDown') next = Math.min(ids.length - 1, current + 1);
    if (event.key === 'ArrowUp') next = Math.max(0, current - 1);
    if (event.key === 'Home') next = 0;
    if (event.key === 'End') next = ids.length - 1;
    const id = ids[next];
    if (!id) return;
    state.selectCall(id);
    virtualizer.scrollToIndex(next);
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-call-sid="${CSS.escape(id)}"]`)?.focus();
    });
  };

  return (
    <div
      role="grid"
      aria-multiselectable={false}
      aria-label="Active calls"
      aria-rowcount={ids.length + 1}
      aria-describedby="calls-count"
      className="calls-table"
    >
      <SortHeader />
      <div
        ref={scrollRef}
        role="rowgroup"
        className="calls-body"
        tabIndex={0}
        aria-label="Calls; use the arrow keys to select"
        onKeyDown={moveSelection}
      >
        {ids.length === 0 ? (
          <p className="table-empty" role="status">
            No calls match these filters.
          </p>
        ) : null}
        <div className="calls-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const id = ids[item.index];
            return id ? (
              <CallRow
                key={id}
                callSid={id}
                index={item.index}
                start={item.start}
                size={item.size}
              />
            ) : null;
          })}
        </div>
      </div>
      <p id="calls-count" className="calls-count" data-testid="calls-count">
        Showing {ids.length} of {total} calls
      </p>
    </div>
  );
}
