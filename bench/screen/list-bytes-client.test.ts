import { describe, expect, it } from 'vitest';
import { socketIoEventName } from './list-bytes-client';

describe('socketIoEventName', () => {
  it.each([
    ['42["calls_batch_update",{"v":2,"calls":[]}]', 'calls_batch_update'],
    ['4217["transcript_turns",{}]', 'transcript_turns'],
    ['42/admin,["call_update",{}]', 'call_update'],
    ['42/admin,3["active_calls",{}]', 'active_calls'],
    ['431[{"ok":true}]', null],
    ['40{"sid":"abc"}', null],
    ['2', null],
    ['3', null],
    ['42[1,2]', null],
  ])('%s -> %s', (frame, name) => {
    expect(socketIoEventName(frame)).toBe(name);
  });
});
