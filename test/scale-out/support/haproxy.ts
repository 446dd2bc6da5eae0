/**
 * HAProxy from the distribution's package, configured from the shipped example
 * (docs/examples/haproxy-callboard.cfg) with only the bind addresses, the certificate, the
 * server list, the stats socket and the log target (stderr, where the test reads its server
 * state changes) replaced. Runs in the foreground (`-db`) in a temp dir and stops with
 * SIGTERM (its immediate stop; Debian's 2.6.12 crashed with SIGSEGV once on a SIGUSR1 soft
 * stop here).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../reliability/support/cli-process';
import { freePort } from '../../reliability/support/tcp-proxy';
import { accepts, findBinary, startDaemon } from './daemon';
import { replaceOnce, selfSignedCertificate, type Certificate } from './nginx';

export const HAPROXY = findBinary(['/usr/sbin/haproxy', '/usr/bin/haproxy']);
export const HAPROXY_EXAMPLE = join(ROOT, 'docs', 'examples', 'haproxy-callboard.cfg');

export function renderHaproxyExample(
  example: string,
  options: {
    servers: readonly { name: string; address: string }[];
    httpPort: number;
    httpsPort: number;
    pem: string;
    dir: string;
  },
): string {
  const where = HAPROXY_EXAMPLE;
  const serverLines = /^[ \t]*#?[ \t]*server \S+ [^\s:]+:\d+[^\n]*\n/gm;
  const first = example.search(serverLines);
  if (first < 0) throw new Error(`${where}: no "server name host:port" line`);
  const servers = options.servers.map((s) => `    server ${s.name} ${s.address}\n`).join('');
  let text = example.slice(0, first) + servers + example.slice(first).replace(serverLines, '');
  text = replaceOnce(where, text, /log \/dev\/log local0/, 'log stderr format raw local0', 'log');
  text = replaceOnce(
    where,
    text,
    /stats socket \S+/,
    `stats socket ${options.dir}/admin.sock`,
    'stats socket',
  );
  text = replaceOnce(where, text, /bind :80\n/, `bind 127.0.0.1:${options.httpPort}\n`, 'bind :80');
  text = replaceOnce(
    where,
    text,
    /bind :443 ssl crt \S+/,
    `bind 127.0.0.1:${options.httpsPort} ssl crt ${options.pem}`,
    'bind :443 ssl crt',
  );
  return text;
}

export interface Haproxy {
  url: string;
  cert: Certificate;
  config: string;
  output(): string;
  /** Resolves once HAProxy printed `pattern` (a server going DOWN or UP), or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startHaproxy(
  servers: readonly { name: string; address: string }[],
): Promise<Haproxy> {
  if (!HAPROXY) throw new Error('no haproxy binary (apt-get install haproxy)');
  const dir = await mkdtemp(join(tmpdir(), 'callboard-haproxy-'));
  const cert = await selfSignedCertificate(dir);
  const pem = join(dir, 'callboard.pem');
  await writeFile(pem, `${cert.pem}${await readFile(cert.key, 'utf8')}`);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const config = renderHaproxyExample(await readFile(HAPROXY_EXAMPLE, 'utf8'), {
    servers,
    httpPort,
    httpsPort,
    pem,
    dir,
  });
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  let daemon;
  try {
    daemon = await startDaemon('haproxy', HAPROXY, ['-db', '-f', file], () => accepts(httpsPort));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\nconfiguration:\n${config}`, { cause: error });
  }
  const d = daemon;
  return {
    url: `https://127.0.0.1:${httpsPort}`,
    cert,
    config,
    output: d.output,
    async waitFor(pattern, ms = 20_000) {
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(d.output())) return false;
          clearTimeout(timer);
          d.child.stdout!.off('data', check);
          d.child.stderr!.off('data', check);
          resolve();
          return true;
        };
        const timer = setTimeout(() => {
          d.child.stdout!.off('data', check);
          d.child.stderr!.off('data', check);
          reject(
            new Error(`HAProxy did not print ${pattern} within ${ms} ms; output:\n${d.output()}`),
          );
        }, ms);
        if (check()) return;
        d.child.stdout!.on('data', check);
        d.child.stderr!.on('data', check);
      });
    },
    async stop() {
      try {
        return await d.stop('SIGTERM');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
