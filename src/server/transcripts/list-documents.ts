import { POST_CALL_TRANSCRIPT_PATHS } from '../../shared/domain/field-mapping';
import { withoutPath } from '../../shared/privacy/redact';
import type { JsonDocument } from '../json-safe';

/**
 * A call document as the v2 list streams send it: without its post-call `transcript[]`
 * (DATA.md; bandwidth for 10,000 calls must not grow with what agents say). The document
 * itself when it holds none, so the usual case costs no copy.
 */
export function withoutTranscript(doc: JsonDocument): JsonDocument {
  let out: JsonDocument = doc;
  for (const path of POST_CALL_TRANSCRIPT_PATHS) out = withoutPath(out, path);
  return out;
}
