import type { ConnectionSlice, SetState } from './types';

export function createConnectionSlice(set: SetState): ConnectionSlice {
  return {
    load: { phase: 'loading' },
    connection: null,
    setLoad: (load) => set({ load }),
  };
}
