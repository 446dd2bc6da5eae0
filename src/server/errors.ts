/** A failure with a code and a message an admin can act on (STYLE.md, 9). */
export class ServerError extends Error {
  override name = 'ServerError';
  constructor(
    readonly code:
      | 'insecure_bind'
      | 'port_in_use'
      | 'listen_failed'
      | 'bad_config'
      | 'mongo_bad_uri'
      | 'mongo_unreachable'
      | 'mongo_no_change_streams'
      | 'mongo_failed',
    message: string,
  ) {
    super(message);
  }
}
