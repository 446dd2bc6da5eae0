// Test-only: reads a server's /metrics as Prometheus would (not shipped in the server's API).

/** One scrape of `GET /metrics`, parsed from the Prometheus text exposition format 0.0.4. */
export interface Scrape {
  /** A sample's value: `value('callboard_clients')`, `value('x_bucket{le="0.05"}')`. */
  value(series: string): number | undefined;
  /** The `# TYPE` of a metric family. */
  type(name: string): string | undefined;
  /** Every sample's series (name and labels as written). */
  series(): string[];
}

// `name{labels} value [timestamp]`: https://prometheus.io/docs/instrumenting/exposition_formats/
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)(?: -?\d+)?$/;
const TYPE = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/;

/** A sample value as Prometheus reads it (Go's ParseFloat: `NaN`, `+Inf`, any case). */
function parseValue(text: string): number | undefined {
  if (/^nan$/i.test(text)) return NaN;
  const inf = /^([+-]?)inf$/i.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

/** Parses exposition text; a line that is neither a comment nor a sample throws, naming it. */
export function parseMetrics(text: string): Scrape {
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = TYPE.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      else if (!line.startsWith('# HELP ')) throw new Error(`not an exposition comment: ${line}`);
      continue;
    }
    const sample = SAMPLE.exec(line);
    const value = sample ? parseValue(sample[2]!) : undefined;
    if (!sample || value === undefined) throw new Error(`not an exposition sample: ${line}`);
    if (values.has(sample[1]!)) throw new Error(`sample given twice: ${sample[1]}`);
    values.set(sample[1]!, value);
  }
  return {
    value: (series) => values.get(series),
    type: (name) => types.get(name),
    series: () => [...values.keys()],
  };
}

/** `GET {url}/metrics` over HTTP: throws unless it answers 200 with Prometheus text. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`);
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !contentType.startsWith('text/plain; version=0.0.4'))
    throw new Error(`GET ${url}/metrics answered ${response.status} (${contentType})`);
  return parseMetrics(await response.text());
}
