import { describe, expect, it } from 'vitest';
import { changeStreamSupport } from './watcher';

describe('changeStreamSupport', () => {
  it('accepts a replica set member and a mongos', () => {
    expect(changeStreamSupport({ isWritablePrimary: true, setName: 'rs0' }, 'h:1')).toBeNull();
    expect(changeStreamSupport({ isWritablePrimary: true, msg: 'isdbgrid' }, 'h:1')).toBeNull();
  });

  it('names a standalone server and what to do about it', () => {
    const error = changeStreamSupport({ isWritablePrimary: true }, 'db.example:27017');
    expect(error?.code).toBe('mongo_no_change_streams');
    expect(error?.message).toMatch(
      /^MongoDB at db\.example:27017 is a standalone server: change streams need a replica set/,
    );
  });
});
