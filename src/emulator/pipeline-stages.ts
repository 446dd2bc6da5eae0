/**
 * Aggregation stage names as MongoDB 7.0 knows them, and the rules for the stages after
 * `$changeStream` (mongod's pipeline.cpp: an unknown name is 40324, a known stage that is not
 * allowed in a change stream is 20 IllegalOperation).
 */
import type { Document } from 'bson';
import { CommandError } from './errors';
import { isPlainObject } from './values';

/** Every stage a 7.0 server parses (so any other name is "Unrecognized"). */
const MONGODB_STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$changeStream',
  '$changeStreamSplitLargeEvent',
  '$collStats',
  '$count',
  '$currentOp',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$geoNear',
  '$graphLookup',
  '$group',
  '$indexStats',
  '$limit',
  '$listLocalSessions',
  '$listSampledQueries',
  '$listSearchIndexes',
  '$listSessions',
  '$lookup',
  '$match',
  '$merge',
  '$out',
  '$planCacheStats',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$search',
  '$searchMeta',
  '$set',
  '$setWindowFields',
  '$shardedDataDistribution',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
  '$vectorSearch',
]);

/** The stages MongoDB allows after `$changeStream` (its documentation's list). */
const CHANGE_STREAM_STAGES = new Set([
  '$addFields',
  '$match',
  '$project',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
  '$set',
  '$unset',
  '$changeStreamSplitLargeEvent',
]);

/** The name of a stage document, which must hold exactly one field (40323 otherwise). */
export function stageName(stage: unknown): string {
  const keys = isPlainObject(stage) ? Object.keys(stage) : [];
  if (keys.length !== 1) {
    throw new CommandError(
      40323,
      'A pipeline stage specification object must contain exactly one field.',
    );
  }
  return keys[0]!;
}

export const changeStreamNotFirst = () =>
  new CommandError(40602, '$changeStream is only valid as the first stage in a pipeline');

/** Checks the stages after `$changeStream` as a server does before opening the stream. */
export function checkChangeStreamStages(laterStages: Document[]): void {
  for (const stage of laterStages) {
    const name = stageName(stage);
    if (name === '$changeStream') throw changeStreamNotFirst();
    if (!MONGODB_STAGES.has(name)) {
      throw new CommandError(40324, `Unrecognized pipeline stage name: '${name}'`);
    }
    if (!CHANGE_STREAM_STAGES.has(name)) {
      throw new CommandError(20, `${name} is not permitted in a $changeStream pipeline`);
    }
    if (name === '$changeStreamSplitLargeEvent') {
      throw new CommandError(2, '$changeStreamSplitLargeEvent is not supported by the emulator');
    }
  }
}
