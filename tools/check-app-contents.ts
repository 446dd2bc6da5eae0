// What goes into the packed app: the `files` patterns name things that exist and nothing of
// the dev toolchain; every package out/main and out/preload require at run time is a
// production dependency that the patterns do not exclude; no production dependency is a
// native module (the config skips the rebuild against Electron).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import type { Configuration } from 'electron-builder';
import type { PackageJson } from './check-packaging';

/** Folders of the build that the packed app loads code from. */
export const RUNTIME_CODE_DIRS = ['out/main', 'out/preload'];

function filePatterns(config: Configuration): string[] {
  const files = config.files;
  const list = Array.isArray(files) ? files : files == null ? [] : [files];
  return list.map((entry) => {
    if (typeof entry !== 'string')
      throw new Error('files must list glob strings (no FileSet objects)');
    return entry;
  });
}

/** The package names a config's `files` excludes as `!node_modules/<name>/**`. */
export function excludedPackages(config: Configuration): string[] {
  return filePatterns(config)
    .map((pattern) => /^!node_modules\/((?:@[^/]+\/)?[^/*]+)\/\*\*$/.exec(pattern)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** The package name of a require specifier, or null for built-ins, electron and paths. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return null;
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0]!;
  if (name === 'electron' || builtinModules.includes(name)) return null;
  return name;
}

/** Specifiers of require(), import and import() with a string literal, in built JS. */
export function requiredSpecifiers(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    // `from` the keyword, not the end of a string such as `"from", "to"` in data.
    /(?<!["'\w$])from\s*["']([^"'\n]+)["']/g,
    /^\s*import\s*["']([^"']+)["']/gm,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

function jsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((file) => /\.(c|m)?js$/.test(file) && statSync(file).isFile());
}

/** Packages the built code in `dirs` loads from node_modules at run time. */
export function runtimePackages(root: string, dirs: string[] = RUNTIME_CODE_DIRS): string[] {
  const names = new Set<string>();
  for (const dir of dirs) {
    for (const file of jsFiles(join(root, dir))) {
      for (const specifier of requiredSpecifiers(readFileSync(file, 'utf8'))) {
        const name = packageOf(specifier);
        if (name) names.add(name);
      }
    }
  }
  return [...names].sort();
}

/** Node's lookup: node_modules/<name> in this folder or the nearest parent that has it. */
function resolvePackageDir(fromDir: string, name: string, root: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return null;
    dir = dirname(dir);
  }
}

interface InstalledPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  gypfile?: boolean;
}

/** Installed packages reachable from the given names (their own dependencies, recursively). */
export function dependencyClosure(root: string, names: string[]): Map<string, string> {
  const seen = new Map<string, string>(); // package dir -> name
  const queue = names.map((name) => ({ name, from: root }));
  while (queue.length > 0) {
    const { name, from } = queue.shift()!;
    const dir = resolvePackageDir(from, name, root);
    if (dir === null || seen.has(dir)) continue;
    seen.set(dir, name);
    const manifest = JSON.parse(
      readFileSync(join(dir, 'package.json'), 'utf8'),
    ) as InstalledPackage;
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      queue.push({ name: dep, from: dir });
    }
  }
  return seen;
}

export function checkFiles(root: string, config: Configuration, pkg: PackageJson): string[] {
  const problems: string[] = [];
  const devOnly = Object.keys(pkg.devDependencies ?? {}).filter(
    (name) => !(name in (pkg.dependencies ?? {})),
  );
  for (const pattern of filePatterns(config)) {
    if (pattern.startsWith('!')) continue;
    if (/(^|\/)node_modules(\/|$)/.test(pattern)) {
      problems.push(
        `files pattern "${pattern}" packs node_modules by hand: production dependencies are added by electron-builder`,
      );
    }
    const dev = devOnly.find((name) => pattern.split('/').includes(name));
    if (dev) problems.push(`files pattern "${pattern}" packs the dev dependency ${dev}`);
    const base = pattern.split(/[*{?[]/)[0]!.replace(/\/$/, '');
    if (base !== '' && !existsSync(join(root, base))) {
      problems.push(
        `files pattern "${pattern}" names ${base}, which does not exist${base.startsWith('out') ? ' (run `npm run build`)' : ''}`,
      );
    }
  }
  if (!pkg.main || !existsSync(join(root, pkg.main))) {
    problems.push(`package.json "main" (${pkg.main}) does not exist: run \`npm run build\``);
  } else if (!pkg.main.startsWith('out/')) {
    problems.push(`package.json "main" (${pkg.main}) is outside out/, which is all the app packs`);
  }
  for (const name of ['dist', 'dist:linux', 'dist:win', 'dist:mac']) {
    const script = pkg.scripts?.[name] ?? '';
    if (!/^npm run build && electron-builder\b/.test(script)) {
      problems.push(
        `npm script ${name} must build first and then run electron-builder, is "${script}"`,
      );
    }
  }
  return problems;
}

export function checkRuntimeDependencies(
  root: string,
  config: Configuration,
  pkg: PackageJson,
): string[] {
  const problems: string[] = [];
  const production = new Set(Object.keys(pkg.dependencies ?? {}));
  const excluded = new Set(excludedPackages(config));
  if (!RUNTIME_CODE_DIRS.every((dir) => existsSync(join(root, dir)))) {
    return [
      `${RUNTIME_CODE_DIRS.join(' and ')} must exist to check what the app requires: run \`npm run build\``,
    ];
  }
  const needed = runtimePackages(root);
  for (const name of needed) {
    if (!production.has(name)) {
      const where = name in (pkg.devDependencies ?? {}) ? 'a devDependency' : 'not a dependency';
      problems.push(
        `out/main or out/preload requires "${name}", which is ${where}: the packed app would fail to load it (move it to "dependencies" or let Vite bundle it)`,
      );
    }
  }
  for (const [dir, name] of dependencyClosure(root, needed)) {
    if (excluded.has(name)) {
      problems.push(
        `the app needs ${name} at run time (${dir}) but electron-builder.ts excludes it from files`,
      );
    }
  }
  if (config.npmRebuild !== false) return problems;
  for (const [dir, name] of dependencyClosure(root, [...production])) {
    const manifest = JSON.parse(
      readFileSync(join(dir, 'package.json'), 'utf8'),
    ) as InstalledPackage;
    if (manifest.gypfile || existsSync(join(dir, 'binding.gyp'))) {
      problems.push(
        `production dependency ${name} is a native module: set npmRebuild: true so it is rebuilt for Electron`,
      );
    }
  }
  return problems;
}

/**
 * The headless server is installed with `npm ci --omit=dev` (docs/operations.md): everything
 * out/cli requires must then be a production dependency.
 */
export function checkCliDependencies(root: string, pkg: PackageJson): string[] {
  if (!existsSync(join(root, 'out', 'cli'))) return ['out/cli must exist: run `npm run build`'];
  const production = new Set(Object.keys(pkg.dependencies ?? {}));
  return runtimePackages(root, ['out/cli'])
    .filter((name) => !production.has(name))
    .map(
      (name) =>
        `out/cli requires "${name}", which is not a production dependency: \`npm ci --omit=dev\` servers would fail to load it`,
    );
}
