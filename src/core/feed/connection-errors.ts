/**
 * Turns a socket.io-client `connect_error` into words an admin can act on
 * (STYLE.md, 9): "unauthorized: the server refused the token",
 * "cannot reach http://host:port: connection refused".
 */
export function describeConnectError(
  error: unknown,
  target: string,
): {
  message: string;
  unauthorized: boolean;
} {
  const e = error as {
    message?: string;
    data?: { type?: string; message?: string };
    description?: { message?: string; error?: { code?: string }; code?: string } | number;
  };
  if (e?.message === 'unauthorized' || e?.data?.type === 'unauthorized') {
    return { message: 'unauthorized: the server refused the token', unauthorized: true };
  }
  const description = typeof e?.description === 'object' ? e.description : undefined;
  const text = [e?.message, description?.message, description?.error?.code, description?.code]
    .filter(Boolean)
    .join(' ');
  const reasons: [RegExp, string][] = [
    [/ECONNREFUSED/, 'connection refused'],
    [/ENOTFOUND|EAI_AGAIN/, 'host not found'],
    [/ETIMEDOUT|timeout/i, 'timed out'],
    [/ECONNRESET/, 'connection reset'],
    [/\b403\b/, 'the server refused this origin or client (403)'],
    [/\b404\b/, 'no Socket.IO server at this address (404)'],
    [/certificate|CERT_|SSL|TLS/i, 'TLS certificate problem'],
  ];
  for (const [pattern, reason] of reasons) {
    if (pattern.test(text))
      return { message: `cannot reach ${target}: ${reason}`, unauthorized: false };
  }
  return {
    message: `cannot reach ${target}: ${e?.message ?? String(error)}`,
    unauthorized: false,
  };
}

/** The URL without credentials, query or fragment, for display. */
export function displayTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}
