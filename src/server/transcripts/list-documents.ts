import { POST_CALL_TRANSCRIPT_PATHS } from '../../shared/domain/field-mapping';
import type { JsonDocument, JsonValue } from '../json-safe';

/**
 * A call document as the v2 list streams send it: without its post-call `transcript[]`
 * (DATA.md; bandwidth for 10,000 calls must not grow with what agents say). The document
 * itself when it holds none, so the usual case costs no copy.
 */
export function withoutTranscript(doc: JsonDocument): JsonDocument {
  let out: JsonDocument = doc;
  for (const path of POST_CALL_TRANSCRIPT_PATHS) {
    const [head, ...rest] = path.split('.');
    out = without(out, head!, rest);
  }
  return out;
}

function without(doc: JsonDocument, key: string, rest: string[]): JsonDocument {
  if (!Object.prototype.hasOwnProperty.call(doc, key)) return doc;
  const value = doc[key] as JsonValue;
  if (rest.length === 0) {
    const { [key]: _left, ...kept } = doc;
    return kept;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return doc;
  const inner = without(value, rest[0]!, rest.slice(1));
  return inner === value ? doc : { ...doc, [key]: inner };
}
