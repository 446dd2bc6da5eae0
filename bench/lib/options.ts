import type { ContenderName } from '../contenders/registry';
import { isContender } from '../contenders/registry';

export interface BenchOptions {
  mode: 'quick' | 'full';
  /** Soak length in minutes; 0 = no soak. */
  soakMinutes: number;
  /** Soak warm-up excluded from the growth figure, minutes; null = half the soak, at most 40. */
  warmupMinutes: number | null;
  contenders: ContenderName[];
  repetitions: number;
  seed: number;
  /** Which measurements to run (all by default). */
  only: Set<Section>;
  /** Where results go (a directory). */
  resultsDir: string;
}

export const SECTIONS = ['latency', 'rate', 'clients', 'renderer', 'screen', 'soak'] as const;
export type Section = (typeof SECTIONS)[number];

export const USAGE = `Usage: npm run bench -- [options]

  --quick              quick mode (the default): every measurement, short steps; < 5 minutes
  --full               3 repetitions of everything, 10-20 s steps (tens of minutes)
  --soak MINUTES       also run a soak of MINUTES (server + renderer memory, stream/connection counts)
  --warmup MINUTES     soak warm-up left out of the growth figure (default: half the soak, at most 40)
  --only LIST          comma-separated subset of: ${SECTIONS.join(', ')}
  --contenders LIST    comma-separated subset of: baseline, callboard, ceiling, emulator, hub-direct
  --reps N             repetitions of each latency measurement (default 3)
  --seed N             trace seed (default 20261126)
  --results DIR        where the JSON goes (default bench/results)
  -h, --help           this text
`;

export class UsageError extends Error {}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    mode: 'quick',
    soakMinutes: 0,
    warmupMinutes: null,
    contenders: ['baseline', 'callboard', 'ceiling', 'emulator', 'hub-direct'],
    repetitions: 3,
    seed: 20261126,
    only: new Set(SECTIONS.filter((s) => s !== 'soak')),
    resultsDir: 'bench/results',
  };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  const positiveInt = (text: string, name: string, min = 1): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`${name} must be an integer >= ${min}, got "${text}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    switch (arg) {
      case '--quick':
        options.mode = 'quick';
        break;
      case '--full':
        options.mode = 'full';
        break;
      case '--soak':
        options.soakMinutes = positiveInt(value(i++, arg), arg);
        options.only.add('soak');
        break;
      case '--warmup':
        options.warmupMinutes = positiveInt(value(i++, arg), arg, 0);
        break;
      case '--only': {
        const list = value(i++, arg).split(',');
        for (const s of list) {
          if (!(SECTIONS as readonly string[]).includes(s))
            throw new UsageError(`--only: unknown section "${s}"`);
        }
        options.only = new Set(list as Section[]);
        break;
      }
      case '--contenders': {
        const list = value(i++, arg).split(',');
        for (const c of list)
          if (!isContender(c)) throw new UsageError(`--contenders: unknown contender "${c}"`);
        options.contenders = list as ContenderName[];
        break;
      }
      case '--reps':
        options.repetitions = positiveInt(value(i++, arg), arg);
        break;
      case '--seed':
        options.seed = positiveInt(value(i++, arg), arg, 0);
        break;
      case '--results':
        options.resultsDir = value(i++, arg);
        break;
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  if (options.warmupMinutes !== null && options.warmupMinutes >= options.soakMinutes) {
    throw new UsageError('--warmup must be shorter than --soak');
  }
  if (options.only.has('soak') && options.soakMinutes === 0) {
    throw new UsageError('--only soak needs --soak MINUTES');
  }
  return options;
}
