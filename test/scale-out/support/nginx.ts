/**
 * nginx from the distribution's package, configured from the shipped example
 * (docs/examples/nginx-callboard.conf) with only the upstream servers, the listen addresses
 * and the certificate paths replaced, inside a main configuration that gives it a prefix,
 * temp directories and logs of its own in a temp dir. Runs in the foreground (`daemon off`)
 * and stops gracefully (SIGQUIT).
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../reliability/support/cli-process';
import { freePort } from '../../reliability/support/tcp-proxy';
import { findBinary, startDaemon, type Daemon } from './daemon';

export const NGINX = findBinary(['/usr/sbin/nginx', '/usr/bin/nginx']);
export const NGINX_EXAMPLE = join(ROOT, 'docs', 'examples', 'nginx-callboard.conf');

export interface Certificate {
  cert: string;
  key: string;
  /** The certificate's PEM, for clients to trust. */
  pem: string;
}

/** A throwaway self-signed certificate for 127.0.0.1 (openssl), valid one day. */
export async function selfSignedCertificate(dir: string): Promise<Certificate> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key, pem: await readFile(cert, 'utf8') };
}

/** Replaces exactly one match, or throws naming what the example (`file`) no longer holds. */
export function replaceOnce(
  file: string,
  text: string,
  pattern: RegExp,
  by: string,
  what: string,
): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`));
  if (matches?.length !== 1) {
    throw new Error(`${file}: expected one ${what} (${pattern}), found ${matches?.length ?? 0}`);
  }
  return text.replace(pattern, by);
}

/**
 * The shipped example with the test's upstreams, ports and certificate. Everything else (the
 * balancing method, websocket headers, timeouts, access rules) is the file as shipped.
 */
export function renderNginxExample(
  example: string,
  options: { upstreams: readonly string[]; httpPort: number; httpsPort: number; cert: Certificate },
): string {
  // The upstream's server lines, the commented ones included: the test's list replaces them.
  const serverLines = /^[ \t]*#?[ \t]*server [^\s;]+:\d+[^;\n]*;[ \t]*\n/gm;
  const first = example.search(serverLines);
  if (first < 0) throw new Error(`${NGINX_EXAMPLE}: no "server host:port;" line in the upstream`);
  // Each test upstream takes the parameters of the example's first server line.
  const shipped = /^[ \t]*server [^\s;]+:\d+([^;\n]*);/m.exec(example);
  if (!shipped) throw new Error(`${NGINX_EXAMPLE}: no active "server host:port" line`);
  const servers = options.upstreams.map((u) => `    server ${u}${shipped[1]};\n`).join('');
  let text = example.slice(0, first) + servers + example.slice(first).replace(serverLines, '');
  text = replaceOnce(
    NGINX_EXAMPLE,
    text,
    /listen 80;/,
    `listen 127.0.0.1:${options.httpPort};`,
    'listen 80',
  );
  text = replaceOnce(
    NGINX_EXAMPLE,
    text,
    /listen \[::\]:80;/,
    `listen [::1]:${options.httpPort};`,
    'listen [::]:80',
  );
  text = replaceOnce(
    NGINX_EXAMPLE,
    text,
    /listen 443 ssl;/,
    `listen 127.0.0.1:${options.httpsPort} ssl;`,
    'listen 443 ssl',
  );
  text = replaceOnce(
    NGINX_EXAMPLE,
    text,
    /listen \[::\]:443 ssl;/,
    `listen [::1]:${options.httpsPort} ssl;`,
    'listen [::]:443 ssl',
  );
  text = replaceOnce(
    NGINX_EXAMPLE,
    text,
    /ssl_certificate +\S+;/,
    `ssl_certificate ${options.cert.cert};`,
    'ssl_certificate',
  );
  text = replaceOnce(
    NGINX_EXAMPLE,
    text,
    /ssl_certificate_key +\S+;/,
    `ssl_certificate_key ${options.cert.key};`,
    'ssl_certificate_key',
  );
  return text;
}

export interface Nginx {
  /** `https://127.0.0.1:<port>`: the example's TLS server. */
  url: string;
  /** `http://127.0.0.1:<port>`: the example's redirect to https. */
  httpUrl: string;
  cert: Certificate;
  /** The configuration nginx runs (the example, substituted), for failure messages. */
  config: string;
  output(): string;
  /** The master process. */
  pid: number;
  /** Graceful stop (SIGQUIT); resolves with the exit code. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startNginx(upstreams: readonly string[]): Promise<Nginx> {
  if (!NGINX) throw new Error('no nginx binary (apt-get install nginx)');
  const dir = await mkdtemp(join(tmpdir(), 'callboard-nginx-'));
  // Workers run as an unprivileged user when nginx starts as root: they must reach the temp dirs.
  await chmod(dir, 0o755);
  const cert = await selfSignedCertificate(dir);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const config = renderNginxExample(await readFile(NGINX_EXAMPLE, 'utf8'), {
    upstreams,
    httpPort,
    httpsPort,
    cert,
  });
  await writeFile(join(dir, 'callboard.conf'), config);
  // The main context a distribution's nginx.conf would give, with paths of its own.
  await writeFile(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      'error_log stderr notice;',
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${dir}/${t}_temp;`,
      ),
      `  include ${dir}/callboard.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  let daemon: Daemon;
  try {
    daemon = await startDaemon(
      'nginx',
      NGINX,
      ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'],
      /start worker process/,
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\nconfiguration:\n${config}`, { cause: error });
  }
  return {
    url: `https://127.0.0.1:${httpsPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    cert,
    config,
    pid: daemon.child.pid!,
    output: daemon.output,
    async stop() {
      try {
        return await daemon.stop('SIGQUIT');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
