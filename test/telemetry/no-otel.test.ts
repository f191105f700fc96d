/**
 * Nothing is loaded and nothing is paid without OpenTelemetry: a store with `telemetry: false`, or in an
 * application where `@opentelemetry/api` is not installed, loads no OpenTelemetry module while it stores, reads,
 * replays and polls; asserted on every module a fresh process loads, ESM and CommonJS (as scripts/check-package.ts
 * asserts that the package root loads no AWS SDK), with the default (API installed) as the control that the
 * detector sees it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const probe = resolve(import.meta.dirname, 'otel-probe.mjs');

/** What a fresh process running the probe in `mode` read back, and the OpenTelemetry modules it loaded. */
async function run(mode: string): Promise<{ events: number; pages: number; otel: string[]; modules: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'otel-probe-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, PROBE_MODULE_LOG: join(dir, 'modules.log') };
    delete env.NODE_OPTIONS; // no loaders of the parent's
    const { stdout } = await promisify(execFile)(process.execPath, [probe, mode], { cwd: dir, env });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { events: number; pages: number; modules: string[] };
    const paths = result.modules.map((module) => (module.startsWith('file:') ? fileURLToPath(module) : module));
    // The store's code ran in this process (its telemetry modules included), so the list is the real one.
    expect(paths.some((path) => /[\\/]src[\\/]telemetry[\\/]call-scope\.ts$/.test(path))).toBe(true);
    return {
      events: result.events,
      pages: result.pages,
      otel: paths.filter((path) => /[\\/]node_modules[\\/]@opentelemetry[\\/]/.test(path)),
      modules: paths.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('without OpenTelemetry, no OpenTelemetry module is loaded', () => {
  it('telemetry: false, with the API installed', async () => {
    const result = await run('disabled');
    expect(result).toMatchObject({ events: 1, pages: 1 });
    expect(result.otel).toEqual([]);
  });

  it('the API not installed (its resolution fails), default options: the store works, untraced', async () => {
    const result = await run('absent');
    expect(result).toMatchObject({ events: 1, pages: 1 });
    expect(result.otel).toEqual([]);
  });

  it('control: default options with the API installed load it (the detector sees it)', async () => {
    const result = await run('default');
    expect(result).toMatchObject({ events: 1, pages: 1 });
    expect(result.otel.some((path) => /@opentelemetry[\\/]api[\\/]/.test(path))).toBe(true);
  });
});
