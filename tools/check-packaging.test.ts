import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Configuration } from 'electron-builder';
import { afterEach, describe, expect, it } from 'vitest';
import builderConfig, { createBuilderConfig, ELECTRON_DIST_ENV } from '../electron-builder';
import {
  checkElectronDistOverride,
  checkIdentity,
  validateWithElectronBuilder,
  type PackageJson,
} from './check-packaging';
import { checkIcons } from './check-icons';
import {
  checkCliDependencies,
  checkFiles,
  checkRuntimeDependencies,
  excludedPackages,
  packageOf,
  requiredSpecifiers,
} from './check-app-contents';

const root = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const config = createBuilderConfig({});

describe('electron-builder.ts', () => {
  it("passes electron-builder's own schema validation, with and without electronDist", async () => {
    await validateWithElectronBuilder(config);
    await validateWithElectronBuilder(
      createBuilderConfig({ [ELECTRON_DIST_ENV]: '/opt/electron' }),
    );
  });

  it('schema validation is live: a misspelt option is refused', async () => {
    const misspelt = { ...config, artifactname: 'x' } as Configuration;
    await expect(validateWithElectronBuilder(misspelt)).rejects.toThrow(
      /unknown property 'artifactname'/,
    );
  });

  it('default export is the config for the current environment', () => {
    expect(builderConfig.appId).toBe(config.appId);
    expect(builderConfig.electronDist ?? null).toBe(process.env[ELECTRON_DIST_ENV]?.trim() || null);
  });

  it('has the app id, product name, artifact name and targets for Linux, Windows and macOS', () => {
    expect(checkIdentity(config)).toEqual([]);
  });

  it.each<[string, Partial<Configuration>, RegExp]>([
    [
      'a missing deb target',
      { linux: { ...config.linux, target: ['AppImage'] } },
      /linux.target must include deb/,
    ],
    ['no Windows target', { win: {} }, /win.target must include nsis/],
    [
      'an artifact name without the arch',
      { artifactName: '${productName}-${version}.${ext}' },
      /artifactName/,
    ],
    [
      'a file association',
      { fileAssociations: [{ ext: 'cbd' }] },
      /fileAssociations must be empty/,
    ],
    ['a bad app id', { appId: 'callboard' }, /appId must be a reverse-DNS id/],
    ['a deb without a homepage', { extraMetadata: {} }, /extraMetadata.homepage/],
  ])('reports %s', (_case, change, problem) => {
    expect(checkIdentity({ ...config, ...change })).toEqual([expect.stringMatching(problem)]);
  });

  it(`honours ${ELECTRON_DIST_ENV} for offline packaging`, () => {
    expect(checkElectronDistOverride(createBuilderConfig, ELECTRON_DIST_ENV)).toEqual([]);
    expect(checkElectronDistOverride(() => config, ELECTRON_DIST_ENV)).toEqual([
      expect.stringContaining('must become electronDist'),
    ]);
  });
});

describe('icons', () => {
  it('every icon the config names exists with the sizes each platform needs, and the tray icons exist', () => {
    expect(checkIcons(root, config)).toEqual([]);
  });

  it('reports an icon that does not exist', () => {
    const broken = { ...config, win: { ...config.win, icon: 'build/missing.ico' } };
    expect(checkIcons(root, broken)).toEqual([
      expect.stringContaining('win.icon names build/missing.ico'),
    ]);
  });
});

describe('app contents', () => {
  it('files name only existing paths, no dev toolchain, and the dist scripts build first', () => {
    expect(checkFiles(root, config, pkg)).toEqual([]);
  });

  it.each([
    ['node_modules by hand', 'node_modules/**', /packs node_modules by hand/],
    ['a dev dependency', 'vite/**', /packs the dev dependency vite/],
    ['a path that does not exist', 'assets/**', /names assets, which does not exist/],
  ])('reports a files pattern that packs %s', (_case, pattern, problem) => {
    const broken = { ...config, files: [...(config.files as string[]), pattern] };
    expect(checkFiles(root, broken, pkg)).toContainEqual(expect.stringMatching(problem));
  });

  it('what out/main and out/preload require at run time is packed, and nothing is native', () => {
    expect(checkRuntimeDependencies(root, config, pkg)).toEqual([]);
  });

  it('what the CLI (callboard serve) requires is a production dependency', () => {
    expect(checkCliDependencies(root, pkg)).toEqual([]);
  });

  it.each([
    ['require("mongodb/lib/x")', ['mongodb/lib/x'], 'mongodb'],
    ['require("@tanstack/react-virtual")', ['@tanstack/react-virtual'], '@tanstack/react-virtual'],
    ['require("node:path"); require("fs")', ['node:path', 'fs'], null],
    ['import x from "electron"', ['electron'], null],
    ['import("./chunk.js")', ['./chunk.js'], null],
  ])('reads the package of %s', (code, specifiers, name) => {
    expect(requiredSpecifiers(code)).toEqual(specifiers);
    expect(packageOf(specifiers[0]!)).toBe(name);
  });

  it('does not take a string ending in "from" for an import', () => {
    const data = 'const fields = { from: [\n\t\t"from",\n\t\t"From"\n\t] };';
    expect(requiredSpecifiers(`${data}\nimport x from "mongodb";`)).toEqual(['mongodb']);
    expect(requiredSpecifiers('}from"socket.io"')).toEqual(['socket.io']);
  });

  describe('against a built app that requires the wrong packages', () => {
    let project: string | undefined;
    afterEach(async () => {
      if (project) await rm(project, { recursive: true, force: true });
    });

    async function builtApp(mainCode: string): Promise<string> {
      project = await mkdtemp(join(tmpdir(), 'callboard-pack-'));
      await mkdir(join(project, 'out', 'main'), { recursive: true });
      await mkdir(join(project, 'out', 'preload'), { recursive: true });
      await writeFile(join(project, 'out', 'main', 'index.js'), mainCode);
      await writeFile(join(project, 'out', 'preload', 'index.js'), 'require("electron");');
      return project;
    }

    it('reports a dev dependency required at run time', async () => {
      const app = await builtApp('const vite = require("vite");');
      expect(checkRuntimeDependencies(app, config, pkg)).toEqual([
        expect.stringContaining('requires "vite", which is a devDependency'),
      ]);
    });

    it('reports a runtime package that the files patterns exclude', async () => {
      expect(excludedPackages(config)).toContain('date-fns');
      const app = await builtApp('const { format } = require("date-fns");');
      await mkdir(join(app, 'node_modules', 'date-fns'), { recursive: true });
      await writeFile(join(app, 'node_modules', 'date-fns', 'package.json'), '{"name":"date-fns"}');
      expect(checkRuntimeDependencies(app, config, pkg)).toEqual([
        expect.stringContaining('needs date-fns at run time'),
      ]);
    });
  });
});
