/**
 * The contract harness: what a check is, how its property runs are parameterised, and how a list of checks
 * becomes a vitest suite gated on the driver's own capabilities manifest.
 *
 * A check is plain data plus an async `run(factory, options)`: it is registered as a vitest `it` by
 * {@link defineContract}, and can also be called directly (`await check.run(factory)` rejects when the driver
 * breaks the contract), which is how the self-test proves every faulty driver is caught.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';

/** Default number of property runs per check: modest, so a suite runs in seconds against the in-memory twin. */
export const DEFAULT_NUM_RUNS = 30;

/** Options of one property-based check run. Environment variables override nothing passed explicitly. */
export interface PropertyOptions {
  /** Runs per property (default {@link DEFAULT_NUM_RUNS}, or env `CONTRACT_NUM_RUNS`). */
  readonly numRuns?: number;
  /** fast-check seed to replay a failure (env `CONTRACT_SEED`). */
  readonly seed?: number;
  /** fast-check path to replay one failing case (env `CONTRACT_PATH`; needs the seed it was reported with). */
  readonly path?: string;
  /** Shrink a failing case to a minimal one (default true). False reports the first failure at once. */
  readonly shrink?: boolean;
}

/** The fast-check parameters a check passes to `fc.assert`: numRuns, and seed/path when given. */
export interface ResolvedPropertyOptions {
  readonly numRuns: number;
  readonly seed?: number;
  readonly path?: string;
  /** True when shrinking is off: fast-check stops at the first failure. */
  readonly endOnFailure?: boolean;
}

/**
 * Resolve property options: explicit values first, then `CONTRACT_NUM_RUNS`, `CONTRACT_SEED`, `CONTRACT_PATH`,
 * then defaults. `scale` multiplies the run count for expensive checks (at least 1 run is kept).
 * The returned object is spread into `fc.assert`, whose failure report carries the seed and path to replay.
 */
export function propertyParameters(options: PropertyOptions = {}, scale = 1): ResolvedPropertyOptions {
  const envRuns = parseNumber(process.env.CONTRACT_NUM_RUNS);
  const envSeed = parseNumber(process.env.CONTRACT_SEED);
  const numRuns = Math.max(1, Math.round((options.numRuns ?? envRuns ?? DEFAULT_NUM_RUNS) * scale));
  const seed = options.seed ?? envSeed;
  const path = options.path ?? process.env.CONTRACT_PATH;
  return {
    numRuns,
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined || path === '' ? {} : { path }),
    ...(options.shrink === false ? { endOnFailure: true } : {}),
  };
}

/**
 * `parameters` with `examples` run first, before the generated values, on every run whatever the seed: targeted
 * cases a check must always try (fast-check counts them toward `numRuns`, so keep fewer examples than runs).
 * Each example is the tuple of the property's arguments.
 */
export function withExamples<Args>(
  parameters: ResolvedPropertyOptions,
  examples: readonly Args[],
): ResolvedPropertyOptions & { readonly examples: Args[] } {
  return { ...parameters, examples: [...examples] };
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * One contract check.
 * @typeParam Factory - the driver factory type the check runs against.
 * @typeParam Caps - the driver's capabilities manifest type.
 */
export interface ContractCheck<Factory, Caps> {
  /** Stable name, unique within its suite (used in test titles and the README). */
  readonly name: string;
  /** The group it belongs to; optional groups have a `requires`. */
  readonly group: string;
  /** Present on optional checks: the check applies only when this returns true for the driver's capabilities. */
  readonly requires?: (capabilities: Caps) => boolean;
  /**
   * Run the check against fresh drivers from `factory`. Resolves when the driver honours the contract; rejects
   * with the violation (for property checks, fast-check's report with seed and path) otherwise. Cleans up the
   * tables/keys it created and calls the fixture's `teardown`, also on failure.
   */
  readonly run: (factory: Factory, options?: PropertyOptions) => Promise<void>;
}

/** How {@link defineContract} registers a list of checks. */
export interface ContractDefinition<Fixture extends { teardown?: () => Promise<void> }, Caps> {
  /** The `describe` title. */
  readonly title: string;
  /** The checks to register (those whose `requires` rejects the driver's capabilities are not registered). */
  readonly checks: readonly ContractCheck<() => Promise<Fixture>, Caps>[];
  /** Creates a fresh, isolated fixture. Called once at collection to read the capabilities, then by each check. */
  readonly createFixture: () => Promise<Fixture>;
  /** Reads the capabilities manifest of a fixture's driver. */
  readonly capabilitiesOf: (fixture: Fixture) => Caps;
  /** Property options for every check. */
  readonly options?: PropertyOptions;
  /** Per-test timeout in milliseconds (default 120 s: real backends are slower than the twin). */
  readonly timeoutMs?: number;
}

/**
 * Register `definition.checks` as vitest tests inside one `describe`. The driver's capabilities are read once
 * from a throwaway fixture; a check whose `requires` is false is not registered, and one extra test asserts and
 * prints which optional checks did not apply (so nothing is silently skipped and no `it.skip` is left).
 */
export function defineContract<Fixture extends { teardown?: () => Promise<void> }, Caps>(
  definition: ContractDefinition<Fixture, Caps>,
): void {
  const timeout = definition.timeoutMs ?? 120_000;
  describe(definition.title, async () => {
    const probe = await definition.createFixture();
    const capabilities = definition.capabilitiesOf(probe);
    await probe.teardown?.();
    const applicable = definition.checks.filter((check) => check.requires?.(capabilities) ?? true);
    const notApplicable = definition.checks.filter((check) => !(check.requires?.(capabilities) ?? true));
    for (const check of applicable) {
      it(`${check.group}: ${check.name}`, () => check.run(definition.createFixture, definition.options), timeout);
    }
    it('reports the optional checks the capabilities manifest rules out', () => {
      for (const check of notApplicable) expect(check.requires?.(capabilities)).toBe(false);
      expect(applicable.length + notApplicable.length).toBe(definition.checks.length);
      const names = notApplicable.map((check) => `${check.group}: ${check.name}`);
      console.info(
        `[contract] ${definition.title}: ${names.length === 0 ? 'every optional check applies' : `not applicable: ${names.join('; ')}`}`,
      );
    });
  });
}

/** A short unique token for names (tables, key prefixes): 12 lowercase hex characters. */
export function uniqueToken(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

/** A contract violation found outside fast-check (plain assertion). Thrown by {@link ensure}. */
export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

/** Throw a {@link ContractViolation} with `message` unless `condition` holds. */
export function ensure(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new ContractViolation(typeof message === 'string' ? message : message());
}

/**
 * A stable text form of any attribute value for equality: object keys sorted, `undefined` members dropped,
 * binary (any `Uint8Array`, including `Buffer`) as base64 tagged apart from strings, numbers apart from strings.
 */
export function canonical(value: unknown): string {
  if (value instanceof Uint8Array) {
    return `b64:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`;
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonical(member)}`).join(',')}}`;
  }
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

/**
 * True when `a` and `b` have the same {@link canonical} form, decided by walking both values instead of building
 * the texts (which for 400 KB items cost more than the driver calls under test): same tags, same defined members,
 * strings and binary compared by content, other primitives by their JSON text, exactly as `canonical` renders them.
 */
export function sameCanonical(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return (
      a instanceof Uint8Array &&
      b instanceof Uint8Array &&
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
    );
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((member, index) => sameCanonical(member, b[index]));
  }
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const defined = (value: Record<string, unknown>) => Object.keys(value).filter((name) => value[name] !== undefined);
    const names = defined(a);
    return names.length === defined(b).length && names.every((name) => Object.hasOwn(b, name) && sameCanonical(a[name], b[name]));
  }
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Throw a {@link ContractViolation} unless `actual` and `expected` have the same {@link canonical} form. */
export function ensureEqual(actual: unknown, expected: unknown, what: string): void {
  ensure(sameCanonical(actual, expected), () => `${what}: expected ${truncate(canonical(expected))}, got ${truncate(canonical(actual))}`);
}

/** Resolve when `action` rejects with an error whose `code` is `code`; throw a {@link ContractViolation} otherwise. */
export async function ensureRejectsWithCode(action: () => Promise<unknown>, code: string, what: string): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await action();
  } catch (error) {
    const actual = (error as { code?: unknown } | null)?.code;
    ensure(actual === code, () => `${what}: expected error code ${code}, got ${String(actual)} (${String(error)})`);
    return;
  }
  throw new ContractViolation(`${what}: expected rejection with ${code}, but it resolved with ${truncate(canonical(outcome))}`);
}

/** Compare two strings by their UTF-8 bytes (DynamoDB's and S3's key order), not by UTF-16 code units: the core's one comparator. */
export { compareUtf8 } from '../src/layout/utf8-order.js';

function truncate(text: string): string {
  return text.length > 400 ? `${text.slice(0, 400)}…(${text.length} chars)` : text;
}
