import type { KeyboardEvent } from 'react';

/**
 * A table row that opens something (a call's details, an agent's view): focusable, opened by
 * a click or by Enter / Space when focused, as a button would be. Spread on the `<tr>`.
 */
export function activatableRow(open: () => void) {
  return {
    tabIndex: 0,
    onClick: open,
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    },
  };
}
