/**
 * A `$changeStream` cursor: reads the change history after its position, turns records into
 * change events for its scope (collection, database or cluster), applies the later pipeline
 * stages, and reports a postBatchResumeToken with every batch.
 */
import { calculateObjectSize, type Document } from 'bson';
import { Aggregator } from 'mingo';
import { CommandError, badValue } from './errors';
import {
  EXPANDED_KINDS,
  NON_RESUMABLE_LABEL,
  decodeToken,
  timestampValue,
  type ChangeHistory,
  type ChangeRecord,
} from './history';
import { checkChangeStreamStages } from './pipeline-stages';
import { clone, isPlainObject, valuesEqual } from './values';

export interface StreamScope {
  /** Undefined for a cluster-wide stream. */
  db?: string;
  /** Undefined for a database or cluster-wide stream. */
  coll?: string;
}

type LookupFn = (db: string, coll: string, documentKey: Document) => Document | null;

const FULL_DOCUMENT = ['default', 'updateLookup', 'whenAvailable', 'required'];
const BEFORE_CHANGE = ['off', 'whenAvailable', 'required'];
const STAGE_OPTIONS = new Set([
  'fullDocument',
  'fullDocumentBeforeChange',
  'resumeAfter',
  'startAfter',
  'startAtOperationTime',
  'allChangesForCluster',
  'showExpandedEvents',
  'allowToRunOnConfigDB',
  'allowToRunOnSystemNS',
]);

/** Whether an aggregate pipeline opens a change stream (`$changeStream` first). */
export function startsChangeStream(pipeline: unknown): boolean {
  const first: unknown = Array.isArray(pipeline) ? pipeline[0] : undefined;
  return isPlainObject(first) && '$changeStream' in first;
}

export class ChangeStreamCursor {
  private position: number;
  private closed = false;
  private lastToken: Document;
  /** startAtOperationTime: changes before this cluster time are skipped (if it is ahead). */
  private notBefore = 0n;
  private readonly fullDocument: string;
  private readonly beforeChange: string;
  /** showExpandedEvents: adds updateDescription.disambiguatedPaths (6.1+). */
  private readonly expandedEvents: boolean;
  private readonly pipeline?: Aggregator;

  constructor(
    private readonly history: ChangeHistory,
    private readonly scope: StreamScope,
    stage: Document,
    laterStages: Document[],
    private readonly lookup: LookupFn,
  ) {
    if (!isPlainObject(stage)) throw badValue('$changeStream stage must be an object');
    for (const key of Object.keys(stage)) {
      if (!STAGE_OPTIONS.has(key)) {
        throw new CommandError(40415, `BSON field '$changeStream.${key}' is an unknown field.`);
      }
    }
    checkChangeStreamStages(laterStages);
    this.fullDocument = pickOption(stage, 'fullDocument', FULL_DOCUMENT, 'default');
    this.beforeChange = pickOption(stage, 'fullDocumentBeforeChange', BEFORE_CHANGE, 'off');
    this.expandedEvents = stage.showExpandedEvents === true;
    const starts = ['resumeAfter', 'startAfter', 'startAtOperationTime'].filter(
      (k) => stage[k] !== undefined,
    );
    if (starts.length > 1) {
      throw new CommandError(
        40674,
        `Only one type of resume option is allowed, but multiple were found.`,
      );
    }
    if (stage.resumeAfter !== undefined) {
      const point = decodeToken(stage.resumeAfter);
      if (point.fromInvalidate) {
        throw new CommandError(
          260,
          "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.",
          [NON_RESUMABLE_LABEL],
        );
      }
      history.assertResumable(point);
      this.position = point.seq;
    } else if (stage.startAfter !== undefined) {
      const point = decodeToken(stage.startAfter);
      history.assertResumable(point);
      this.position = point.seq;
    } else if (stage.startAtOperationTime !== undefined) {
      const ts = stage.startAtOperationTime;
      if ((ts as { _bsontype?: string })?._bsontype !== 'Timestamp') {
        throw new CommandError(
          14,
          `BSON field '$changeStream.startAtOperationTime' is the wrong type, expected type 'timestamp'`,
        );
      }
      this.position = history.seqBefore(ts);
      this.notBefore = timestampValue(ts);
    } else {
      this.position = history.lastSeq;
    }
    this.lastToken = this.history.token(this.position);
    if (laterStages.length > 0) {
      this.pipeline = new Aggregator(laterStages, {});
    }
  }

  /** Sizes must be measured per event when events can differ from their record's size. */
  private get exactSizes(): boolean {
    return this.pipeline !== undefined || this.fullDocument === 'updateLookup';
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get postBatchResumeToken(): Document {
    return this.lastToken;
  }

  /**
   * Up to `max` events after the current position, and no more than about `maxBytes` (at
   * least one record's worth); advances past what it returns and past records out of scope.
   */
  next(max: number, maxBytes = Infinity): Document[] {
    const out: Document[] = [];
    if (this.closed) return out;
    this.history.assertAvailableAfter(this.position);
    let bytes = 0;
    while (out.length < max && this.position < this.history.lastSeq) {
      const record = this.history.get(this.position + 1)!;
      const wanted =
        this.inScope(record) &&
        (this.expandedEvents || !EXPANDED_KINDS.has(record.kind)) &&
        timestampValue(record.clusterTime) >= this.notBefore;
      const events = wanted ? this.eventsFor(record) : [];
      if (maxBytes !== Infinity && events.length > 0) {
        const size = this.exactSizes
          ? events.reduce((n, e) => n + calculateObjectSize(e), 0)
          : recordSize(record);
        if (out.length > 0 && bytes + size > maxBytes) break; // left for the next batch
        bytes += size;
      }
      out.push(...events);
      this.position = record.seq;
      this.lastToken = this.history.token(record.seq);
      if (wanted && this.invalidates(record)) {
        this.lastToken = this.history.token(record.seq, true);
        this.closed = true;
        break;
      }
    }
    return out;
  }

  /** The event for an in-scope record (after the later stages), plus invalidate if due. */
  private eventsFor(record: ChangeRecord): Document[] {
    const events: Document[] = [];
    const event = this.transform(this.toEvent(record));
    if (event) events.push(event);
    if (this.invalidates(record)) {
      const invalidate = this.transform({
        _id: this.history.token(record.seq, true),
        operationType: 'invalidate',
        clusterTime: record.clusterTime,
        wallTime: record.wallTime,
      });
      if (invalidate) events.push(invalidate);
    }
    return events;
  }

  private inScope(record: ChangeRecord): boolean {
    const { db, coll } = this.scope;
    if (db === undefined) return !isSystem(record);
    if (record.db !== db) return false;
    if (record.kind === 'dropDatabase') return coll === undefined;
    if (coll === undefined) return !isSystem(record);
    return record.coll === coll;
  }

  private invalidates(record: ChangeRecord): boolean {
    if (this.scope.db === undefined) return false;
    if (this.scope.coll === undefined) return record.kind === 'dropDatabase';
    return record.kind === 'drop' || record.kind === 'rename';
  }

  private toEvent(record: ChangeRecord): Document {
    // Events are only serialised, so they may share the history's (never mutated) documents;
    // later stages run by mingo may modify their input, so then they get copies.
    const copy = this.pipeline ? clone : <T>(value: T) => value;
    const event: Document = {
      _id: this.history.token(record.seq),
      operationType: record.kind,
      clusterTime: record.clusterTime,
      wallTime: record.wallTime,
    };
    const kind = record.kind;
    if (kind === 'insert' || kind === 'replace') {
      event.fullDocument = copy(record.postImage);
    } else if (kind === 'update') {
      if (this.fullDocument === 'updateLookup') {
        event.fullDocument = this.lookup(record.db, record.coll!, record.documentKey!);
      } else if (this.fullDocument !== 'default') {
        event.fullDocument = record.postImage
          ? copy(record.postImage)
          : this.missingImage('post', this.fullDocument, record);
      }
    }
    if (this.expandedEvents && record.collectionUUID) event.collectionUUID = record.collectionUUID;
    event.ns = record.coll === undefined ? { db: record.db } : { db: record.db, coll: record.coll };
    if (record.to) event.to = { ...record.to };
    if (this.expandedEvents && record.operationDescription) {
      event.operationDescription = copy(record.operationDescription);
    }
    if (this.expandedEvents && record.stateBeforeChange) {
      event.stateBeforeChange = copy(record.stateBeforeChange);
    }
    if (record.documentKey) event.documentKey = copy(record.documentKey);
    if (record.updateDescription) {
      event.updateDescription = this.expandedEvents
        ? {
            ...copy(record.updateDescription),
            disambiguatedPaths: copy(record.disambiguatedPaths ?? {}),
          }
        : copy(record.updateDescription);
    }
    if (
      this.beforeChange !== 'off' &&
      (kind === 'update' || kind === 'replace' || kind === 'delete')
    ) {
      event.fullDocumentBeforeChange = record.preImage
        ? copy(record.preImage)
        : this.missingImage('pre', this.beforeChange, record);
    }
    return event;
  }

  /**
   * A pre- or post-image the collection did not keep: null for `whenAvailable`; for
   * `required`, mongod's 47 NoMatchingDocument (document_source_change_stream_add_*_image.cpp).
   */
  private missingImage(which: 'pre' | 'post', mode: string, record: ChangeRecord): null {
    if (mode !== 'required') return null;
    const events = which === 'post' ? 'update' : 'update, delete and replace';
    const about = JSON.stringify({
      ns: `${record.db}.${record.coll}`,
      documentKey: record.documentKey,
    });
    throw new CommandError(
      47,
      `Change stream was configured to require a ${which}-image for all ${events} events, but the ${which}-image was not found for event: ${about}`,
    );
  }

  private transform(event: Document): Document | undefined {
    if (!this.pipeline) return event;
    const [result] = this.pipeline.run([event]) as Document[];
    if (!result) return undefined;
    if (!valuesEqual(result._id, event._id)) {
      throw new CommandError(
        280,
        'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.',
        [NON_RESUMABLE_LABEL],
      );
    }
    return result;
  }
}

function isSystem(record: ChangeRecord): boolean {
  return record.coll?.startsWith('system.') ?? false;
}

function pickOption(stage: Document, field: string, allowed: string[], fallback: string): string {
  const value = stage[field] ?? fallback;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw badValue(
      `'${String(value)}' is not a valid $changeStream.${field} option; use one of ${allowed.join(', ')}`,
    );
  }
  return value;
}

/** Upper estimate of a record's event size, computed once and shared by every stream. */
function recordSize(record: ChangeRecord): number {
  record.size ??=
    1024 +
    (record.postImage ? calculateObjectSize(record.postImage) : 0) +
    (record.preImage ? calculateObjectSize(record.preImage) : 0) +
    (record.updateDescription ? calculateObjectSize(record.updateDescription) : 0);
  return record.size;
}
