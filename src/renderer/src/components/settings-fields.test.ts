import { describe, expect, it } from 'vitest';
import { linesFromMapping, mappingFromLines } from './settings-fields';

describe('status mapping lines', () => {
  it('reads value = target lines, skipping blank ones', () => {
    expect(mappingFromLines(' Transferring = in-progress \n\nvoicemail=completed\nparked')).toEqual(
      {
        Transferring: 'in-progress',
        voicemail: 'completed',
        parked: '',
      },
    );
  });

  it('writes them back the same way', () => {
    const mapping = { transferring: 'in-progress', voicemail: 'completed' };
    expect(mappingFromLines(linesFromMapping(mapping))).toEqual(mapping);
  });
});
