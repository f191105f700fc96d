/**
 * The event-store suite proves its strength: every mutant (one bug planted in the core, or in what it sends to a
 * correct driver; `faulty/event-store-mutants.ts`) is rejected by the checks named here, with the planted failure,
 * and the same checks pass on the correct core. Runs use the default run count and no fixed seed: every catch
 * below is on the first case of any run (the catching checks are deterministic, or fail on every generated case).
 *
 * Core-level mutants are planted with vitest module mocking: `vi.resetModules()`, `vi.doMock(<core module>)`,
 * then the suite, the core and the twin are imported afresh, so they all see the mutated module; the mock is
 * removed after each test.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventStoreMutants, type EventStoreMutant } from '../faulty/event-store-mutants.js';
import { changeFeedCheck } from '../event-store/checks/change-feed.js';
import { lostResponseCheck } from '../event-store/checks/lost-responses.js';
import { offloadBoundaryCheck, offloadRoundTripCheck } from '../event-store/checks/offload.js';
import { exactFieldsCheck, snapshotHistoryCheck } from '../event-store/checks/reads.js';
import { replayCodePointOrderCheck, replayOrderCheck } from '../event-store/checks/replay.js';
import { instanceScopeCheck } from '../event-store/checks/scope.js';
import { v6ContractCheck } from '../event-store/checks/v6.js';
import { atomicBatchCheck, largeBatchCheck, storedBatchIdentityCheck } from '../event-store/checks/writes.js';
import type { EventStoreCheck } from '../event-store/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A check that must catch a mutant, and the failure it must report (matched against the error and its causes). */
interface Catch {
  readonly check: EventStoreCheck;
  readonly failure: RegExp;
}

/** Which checks catch each mutant, and how. */
const CATCHERS: Readonly<Record<string, readonly Catch[]>> = {
  'inclusive-replay-cursor': [
    { check: replayOrderCheck, failure: /getAllEvents\(\d+, ev-[^)]*\): expected/ },
    {
      check: replayCodePointOrderCheck,
      failure: /getAllEvents\(5, "cp\uE000"\) with 1 shard\(s\): expected \["cp\uE000z",[^\n]*, got \["cp\uE000",/,
    },
  ],
  'ignores-expected-sequence': [
    { check: atomicBatchCheck, failure: /expecting 3 of a new stream: expected rejection with STORE\/CONCURRENCY, but it resolved/ },
  ],
  'skips-id-guard': [
    { check: atomicBatchCheck, failure: /stored duplicate id: expected rejection with STORE\/DUPLICATE_EVENT_ID, but it resolved/ },
    { check: exactFieldsCheck, failure: /event without identifier: expected \{[^\n]+\}, got null$/m },
  ],
  'offloads-at-threshold': [
    { check: offloadBoundaryCheck, failure: /plain item of 1024 bytes at threshold 1024: must stay inline \(1 blob put\(s\)\)/ },
  ],
  'merges-in-utf16-order': [
    { check: replayCodePointOrderCheck, failure: /getAllEvents\(1\) with 2 shard\(s\): ids in code point order: expected/ },
  ],
  'drops-sequence-on-read': [
    { check: replayOrderCheck, failure: /replayed events carry their sequence/ },
    { check: exactFieldsCheck, failure: /getStreamEvents: expected \[\{[^\]]*"sequence":1/ },
    { check: largeBatchCheck, failure: /gapless per stream/ },
    { check: v6ContractCheck, failure: /append assigned an id and sequence 1/ },
  ],
  // Saves delete no blob and an older save known at its first read uploads nothing (issue 16): the shared blob then
  // shows as a torn snapshot under concurrent saves (it was a deleted blob when saves deleted replaced blobs).
  'overwrites-snapshot-blob': [
    { check: snapshotHistoryCheck, failure: /after concurrent saves: a torn snapshot \(sequence \d+, state of \d+\)/ },
  ],
  'skips-catalog-entry': [
    { check: replayOrderCheck, failure: /getAllEvents\(\d+\) with \d shard\(s\): expected \[[\s\S]+, got \[\]$/m },
    { check: atomicBatchCheck, failure: /replay holds exactly the 3 stored events/ },
    { check: largeBatchCheck, failure: /replay returns all 130/ },
  ],
  'identity-ignores-payload': [
    {
      check: storedBatchIdentityCheck,
      failure: /the stored ids with another payload: expected rejection with STORE\/DUPLICATE_EVENT_ID, but it resolved/,
    },
  ],
  'scope-without-instance': [
    {
      check: instanceScopeCheck,
      failure: /the other store's sweep deleted \["es-contract\/[^"]+\/e\/[^"]+"\] \(payloads it does not own\)/,
    },
  ],
  'skips-log-counter': [
    { check: changeFeedCheck, failure: /getLogPage delivered \d+ of \d+ events in \d+ polls|each event once|exactly the stored events/ },
  ],
  'skips-causation-links': [
    {
      check: replayCodePointOrderCheck,
      failure: /findByCausationId with 1 shard\(s\): ids in code point order: expected \[[^\n]+\], got \[\]$/m,
    },
    { check: offloadRoundTripCheck, failure: /caused ev-\d+: expected \{[\s\S]+, got undefined$/m },
  ],
  'deletes-blob-on-unknown-outcome': [
    {
      check: lostResponseCheck,
      failure:
        /the event committed under STORE\/OUTCOME_UNKNOWN: its offloaded payload: expected [^\n]*, got "getEventById failed: DECODE\/MISSING_BLOB"/,
    },
  ],
};

let planted: string | undefined;
afterEach(() => {
  if (planted !== undefined) vi.doUnmock(planted);
  planted = undefined;
  vi.resetModules();
});

/** Fresh instances of the suite and the twin, with the mutant's module (if any) replaced. */
async function load(mutant: EventStoreMutant | undefined) {
  vi.resetModules();
  const plant = mutant?.module;
  if (plant) {
    planted = resolve(ROOT, plant.path);
    vi.doMock(planted, async (importOriginal) => {
      const original = await importOriginal<Record<string, unknown>>();
      return { ...original, ...plant.mutate(original) };
    });
  }
  const suite = await import('../event-store/index.js');
  const memory = await import('../../drivers/memory/index.js');
  return {
    check: (name: string): EventStoreCheck => {
      const found = suite.eventStoreChecks.find((check) => check.name === name);
      if (!found) throw new Error(`no event-store check named ${name}`);
      return found;
    },
    factory: async () => ({
      kv: mutant?.wrapKv ? mutant.wrapKv(new memory.MemoryKvDriver()) : new memory.MemoryKvDriver(),
      blobs: new memory.MemoryBlobDriver(),
    }),
  };
}

/** The error's message and those of its causes (fast-check reports the violation as the cause). */
function failureText(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n--- caused by ---\n');
}

async function failureOf(run: Promise<void>): Promise<string | undefined> {
  try {
    await run;
    return undefined;
  } catch (error) {
    return failureText(error);
  }
}

describe('event-store mutants are caught', () => {
  it('every mutant has catchers, every catcher is a registered check', async () => {
    expect(Object.keys(CATCHERS).sort()).toEqual(eventStoreMutants.map((mutant) => mutant.name).sort());
    for (const mutant of eventStoreMutants) expect(Boolean(mutant.wrapKv) !== Boolean(mutant.module)).toBe(true);
    const { eventStoreChecks } = await import('../event-store/index.js');
    for (const { check } of Object.values(CATCHERS).flat())
      expect(eventStoreChecks.map((registered) => registered.name)).toContain(check.name);
  });
  for (const mutant of eventStoreMutants) {
    for (const { check, failure } of CATCHERS[mutant.name] ?? []) {
      it(`${mutant.name} (${mutant.bug}) is caught by "${check.name}"`, async () => {
        const loaded = await load(mutant);
        const text = await failureOf(loaded.check(check.name).run(loaded.factory, { shrink: false }));
        expect(text, 'the check must reject the mutant').toBeDefined();
        expect(text).toMatch(failure);
      });
    }
  }
  it('the same checks pass on the correct core and twin (the catches are the planted bugs)', async () => {
    const loaded = await load(undefined);
    const names = new Set(Object.values(CATCHERS).flatMap((catches) => catches.map(({ check }) => check.name)));
    for (const name of names) {
      const text = await failureOf(loaded.check(name).run(loaded.factory, { shrink: false }));
      expect(text, `${name} on the correct core`).toBeUndefined();
    }
    expect(names.size).toBe(13);
  });
});
