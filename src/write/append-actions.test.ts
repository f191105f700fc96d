/**
 * buildTransaction's instance tie: every transaction it builds, whatever the chunk's shape, commits only into the
 * table instance the writer verified (a head condition naming its generation, else an instance marker check). This is
 * what lets a commit, proven or recovered, go without a confirmation of its instance after the fact (chunk-writer.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { buildTransaction, type ChunkTransaction } from './append-actions.js';
import { planEvent, type Chunk } from './append-plan.js';
import { blobScope, writeStamp } from '../blobs/blob-keys.js';
import { markerCheck } from '../layout/instance-markers.js';
import { resolveOptions } from '../options/index.js';
import type { Condition } from '../ports/kv-driver.js';
import type { StoreContext } from '../runtime/store-context.js';
import { A, streamPk } from '../layout/table-layout.js';
import { validateEvents } from './validation.js';

const GENERATION = '6f1c2d3e-0000-4000-8000-000000000001';
const WRITE_ID = '00000000-0000-0000-0000-000000000000';
const contextOf = (changeFeed: boolean) =>
  ({
    options: resolveOptions({
      kv: new MemoryKvDriver(),
      blobs: new MemoryBlobDriver(),
      ...(changeFeed ? { changeFeed: { shards: 3 } } : {}),
    }),
  }) as unknown as StoreContext;

/** Whether `condition` requires the item's generation to be `generation` (alone or within an `and`). */
function namesGeneration(condition: Condition | undefined, generation: string): boolean {
  if (condition === undefined) return false;
  if (condition.kind === 'equals') return condition.attribute === A.generation && condition.value === generation;
  return condition.kind === 'and' && condition.conditions.some((inner) => namesGeneration(inner, generation));
}

/** The head conditions (puts and read-dependency checks) of `tx` naming `generation`. */
const headTies = (tx: ChunkTransaction, generation: string) =>
  tx.actions.filter((action, position) => {
    const role = tx.roles[position]!;
    return (role.kind === 'head' || role.kind === 'check') && namesGeneration(action.condition, generation);
  });

/** A chunk of `events` (stream index, has a cause) on streams `s0`, `s1`, …, planned like appendEvents plans them. */
function chunkOf(events: readonly { stream: number; caused: boolean }[], changeFeed: boolean): Chunk {
  const ctx = contextOf(changeFeed);
  const validated = validateEvents(
    events.map((shape, index) => ({
      id: `e${index}`,
      domain: 'd',
      type: 't',
      identifier: `s${shape.stream}`,
      payload: { index },
      ...(shape.caused ? { causationId: `cause${index}` } : {}),
      created: new Date(Date.UTC(2025, 0, 1)),
    })),
  );
  const planned = validated.map((event) => planEvent(ctx, event, blobScope('events/', 'table'), writeStamp(0, WRITE_ID)));
  return {
    events: planned,
    streams: new Set(planned.map((event) => event.pk)),
    shards: new Set(planned.flatMap((event) => (event.logShard === undefined ? [] : [event.logShard]))),
  };
}

describe('buildTransaction: every transaction is tied to the verified instance', () => {
  it('for every chunk shape: a head condition names the generation, else exactly one marker check of the first stream does', () => {
    const shape = fc.record({
      events: fc.array(fc.record({ stream: fc.nat(3), caused: fc.boolean() }), { minLength: 1, maxLength: 6 }),
      changeFeed: fc.boolean(),
      /** Per stream 0..3: its head's base version (0: new stream). */
      bases: fc.array(fc.nat(3), { minLength: 4, maxLength: 4 }),
      /** Per stream: its head accepted under another generation ('x'), none (null), or not accepted (undefined). */
      accepted: fc.array(fc.constantFrom<string | null | undefined>('x', null, undefined), { minLength: 4, maxLength: 4 }),
      /** Read dependencies on streams `r0`, `r1`: their expected versions. */
      checks: fc.array(fc.nat(2), { maxLength: 2 }),
      acceptChecks: fc.boolean(),
    });
    fc.assert(
      fc.property(shape, ({ events, changeFeed, bases, accepted, checks, acceptChecks }) => {
        const chunk = chunkOf(events, changeFeed);
        const streamBases = new Map([...chunk.streams].map((pk) => [pk, bases[Number(pk.slice(-1))]!]));
        const accepts = new Map<string, string | null>();
        for (const pk of chunk.streams) {
          const value = accepted[Number(pk.slice(-1))];
          if (value !== undefined) accepts.set(pk, value);
        }
        const checked = new Map(checks.map((version, index) => [streamPk('d', `r${index}`), version]));
        if (acceptChecks) for (const pk of checked.keys()) accepts.set(pk, 'x');
        const logBases = new Map([...chunk.shards].map((shard) => [shard, shard]));
        const tx = buildTransaction(
          chunk,
          chunk.events.map((event) => ({ item: event.draft })),
          streamBases,
          WRITE_ID,
          new Map(),
          { logBases, checks: checked, instance: { generation: GENERATION, accepted: accepts } },
        );
        const marker = markerCheck(chunk.events[0]!.pk, GENERATION);
        const markerChecks = tx.roles.filter((role) => role.kind === 'instance');
        if (headTies(tx, GENERATION).length > 0) expect(markerChecks).toEqual([]);
        else {
          expect(markerChecks).toHaveLength(1);
          expect(tx.actions[tx.roles.indexOf(markerChecks[0]!)]).toEqual(marker);
        }
        // Every head the transaction writes carries the writer's generation.
        tx.actions.forEach((action, position) => {
          if (tx.roles[position]!.kind === 'head' && action.type === 'put') expect(action.item[A.generation]).toBe(GENERATION);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to build without a verified instance (an empty generation): nothing could tie the commit', () => {
    const chunk = chunkOf([{ stream: 0, caused: false }], false);
    const build = () =>
      buildTransaction(chunk, [{ item: chunk.events[0]!.draft }], new Map([[chunk.events[0]!.pk, 0]]), WRITE_ID, new Map(), {
        instance: { generation: '' },
      });
    expect(build).toThrow('no verified table instance');
  });
});
