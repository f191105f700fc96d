/**
 * Model-based check: random sequences of transactions, gets, batch-gets, batch-writes and queries, run against
 * the driver and a plain `Map` model side by side. Keys come from a pool of 8 so collisions are the norm.
 */
import fc from 'fast-check';
import type { Condition, Item, ItemKey, KvDriver, TableSchema, TransactAction, WriteRequest } from '../../../src/ports/kv-driver.js';
import { canonical, ensure, ensureEqual, propertyParameters, uniqueToken, withExamples } from '../../harness.js';
import { PK_SK_NUMBER, withTables, type KvCheck } from '../fixture.js';
import { batchGetEvery, batchWriteEvery, queryAll, sameItemSet } from '../loops.js';
import { actionKey, TableModel } from '../model.js';

/** Partitions in the key pool. */
const PARTITIONS = 2;
/** Sort keys per partition in the key pool. */
const SORT_KEYS = 4;

interface Model {
  readonly scope: string;
  readonly table: TableModel;
}
interface Real {
  readonly driver: KvDriver;
  readonly schema: TableSchema;
}
type Cmd = fc.AsyncCommand<Model, Real>;

/** A key of the pool: partition `p` of this run's scope, sort key `s`. */
function poolKey(scope: string, index: number): ItemKey {
  return { pk: `${scope}/${index % PARTITIONS}`, sk: Math.floor(index / PARTITIONS) };
}

const keyIndexArb = fc.integer({ min: 0, max: PARTITIONS * SORT_KEYS - 1 });
const valueArb = fc.integer({ min: 0, max: 2 });
const tagArb = fc.option(fc.constantFrom('x', 'y'), { nil: undefined });
const simpleConditionArb: fc.Arbitrary<Condition | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant<Condition>({ kind: 'notExists' }),
  fc.constant<Condition>({ kind: 'exists' }),
  valueArb.map((value): Condition => ({ kind: 'equals', attribute: 'v', value })),
);

interface ActionSpec {
  readonly type: TransactAction['type'];
  readonly keyIndex: number;
  readonly v: number;
  readonly tag: string | undefined;
  readonly condition: Condition | undefined;
}

function buildAction(scope: string, spec: ActionSpec): TransactAction {
  const key = poolKey(scope, spec.keyIndex);
  const attributes: Item = spec.tag === undefined ? { v: spec.v } : { v: spec.v, tag: spec.tag };
  const condition = spec.condition === undefined ? {} : { condition: spec.condition };
  switch (spec.type) {
    case 'put':
      return { type: 'put', item: { ...key, ...attributes }, ...condition };
    case 'update':
      return { type: 'update', key, set: attributes, ...condition };
    case 'delete':
      return { type: 'delete', key, ...condition };
    case 'conditionCheck':
      return { type: 'conditionCheck', key, condition: spec.condition ?? { kind: 'exists' } };
  }
}

class TransactCommand implements Cmd {
  constructor(private readonly specs: readonly ActionSpec[]) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const actions = this.specs.map((spec) => buildAction(model.scope, spec));
    const expected = model.table.transact(actions);
    const result = await real.driver.transactWrite(real.schema.name, actions);
    ensure(result.committed === expected.committed, () => `transaction committed=${result.committed}, model says ${expected.committed}`);
    if (!result.committed && !expected.committed) {
      ensure(result.reasons.length === actions.length, () => `${result.reasons.length} reasons for ${actions.length} actions`);
      actions.forEach((action, index) => {
        const reason = result.reasons[index]!;
        if (expected.failing.includes(index)) {
          ensure(reason.kind === 'conditionFailed', () => `action ${index} failed its condition but the reason is ${reason.kind}`);
          if (reason.kind === 'conditionFailed') {
            ensureEqual(reason.item, model.table.get(actionKey(real.schema, action)), `stored item in the reason of action ${index}`);
          }
        } else {
          ensure(reason.kind === 'none', () => `action ${index} did not fail but the reason is ${reason.kind}`);
        }
      });
    }
    for (const action of actions) {
      const key = actionKey(real.schema, action);
      const { item } = await real.driver.get(real.schema.name, key, { consistent: true });
      ensureEqual(item, model.table.get(key), `item ${canonical(key)} after a ${result.committed ? 'committed' : 'cancelled'} transaction`);
    }
  }
  toString(): string {
    return `transact(${canonical(this.specs)})`;
  }
}

class GetCommand implements Cmd {
  constructor(private readonly keyIndex: number) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const key = poolKey(model.scope, this.keyIndex);
    const { item } = await real.driver.get(real.schema.name, key, { consistent: true });
    ensureEqual(item, model.table.get(key), `get ${canonical(key)}`);
  }
  toString(): string {
    return `get(${this.keyIndex})`;
  }
}

class BatchGetCommand implements Cmd {
  constructor(private readonly keyIndexes: readonly number[]) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const keys = this.keyIndexes.map((index) => poolKey(model.scope, index));
    const items = await batchGetEvery(real.driver, real.schema, keys, { consistent: true });
    const expected = keys.flatMap((key) => {
      const item = model.table.get(key);
      return item === undefined ? [] : [item];
    });
    ensure(sameItemSet(items, expected), () => `batchGet returned ${canonical(items)}, model holds ${canonical(expected)}`);
  }
  toString(): string {
    return `batchGet(${this.keyIndexes.join(',')})`;
  }
}

class BatchWriteCommand implements Cmd {
  constructor(private readonly writes: readonly { keyIndex: number; put: boolean; v: number }[]) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const requests: WriteRequest[] = this.writes.map(({ keyIndex, put, v }) => {
      const key = poolKey(model.scope, keyIndex);
      return put ? { put: { ...key, v } } : { delete: key };
    });
    await batchWriteEvery(real.driver, real.schema, requests);
    for (const request of requests) {
      if ('put' in request) model.table.put(request.put);
      else model.table.delete(request.delete);
    }
    for (const request of requests) {
      const key = 'put' in request ? ({ pk: request.put.pk!, sk: request.put.sk! } as ItemKey) : request.delete;
      const { item } = await real.driver.get(real.schema.name, key, { consistent: true });
      ensureEqual(item, model.table.get(key), `item ${canonical(key)} after batchWrite`);
    }
  }
  toString(): string {
    return `batchWrite(${canonical(this.writes)})`;
  }
}

class QueryCommand implements Cmd {
  constructor(
    private readonly partition: number,
    private readonly direction: 'asc' | 'desc',
    private readonly limit: number | undefined,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const partition = `${model.scope}/${this.partition}`;
    const { items } = await queryAll(real.driver, real.schema.name, {
      partition,
      direction: this.direction,
      consistent: true,
      ...(this.limit === undefined ? {} : { limit: this.limit }),
    });
    ensureEqual(items, model.table.partition(partition, this.direction), `query of partition ${this.partition} ${this.direction}`);
  }
  toString(): string {
    return `query(${this.partition},${this.direction},${this.limit})`;
  }
}

const actionSpecsArb: fc.Arbitrary<ActionSpec[]> = fc.uniqueArray(
  fc.record({
    type: fc.constantFrom('put' as const, 'update' as const, 'delete' as const, 'conditionCheck' as const),
    keyIndex: keyIndexArb,
    v: valueArb,
    tag: tagArb,
    condition: simpleConditionArb,
  }),
  { minLength: 1, maxLength: 5, selector: (spec) => spec.keyIndex },
);

const commandArbs: fc.Arbitrary<Cmd>[] = [
  actionSpecsArb.map((specs) => new TransactCommand(specs)),
  actionSpecsArb.map((specs) => new TransactCommand(specs)),
  keyIndexArb.map((index) => new GetCommand(index)),
  fc.uniqueArray(keyIndexArb, { minLength: 1, maxLength: 8 }).map((indexes) => new BatchGetCommand(indexes)),
  fc
    .uniqueArray(fc.record({ keyIndex: keyIndexArb, put: fc.boolean(), v: valueArb }), {
      minLength: 1,
      maxLength: 6,
      selector: (write) => write.keyIndex,
    })
    .map((writes) => new BatchWriteCommand(writes)),
  fc
    .tuple(
      fc.integer({ min: 0, max: PARTITIONS - 1 }),
      fc.constantFrom('asc' as const, 'desc' as const),
      fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    )
    .map(([partition, direction, limit]) => new QueryCommand(partition, direction, limit)),
];

/**
 * A command sequence every run tries first, whatever the seed: a committed put read back at once (a stale
 * consistent read shows), then a transaction cancelled by its second action's condition on a stored item (the
 * reasons must be `none` then `conditionFailed` carrying that item), then a batch-get (stored key last) and a query of what is stored.
 */
const TARGETED_COMMANDS: readonly Cmd[] = [
  new TransactCommand([{ type: 'put', keyIndex: 0, v: 1, tag: 'x', condition: undefined }]),
  new TransactCommand([
    { type: 'put', keyIndex: 1, v: 0, tag: undefined, condition: undefined },
    { type: 'conditionCheck', keyIndex: 0, v: 0, tag: undefined, condition: { kind: 'equals', attribute: 'v', value: 2 } },
  ]),
  new BatchGetCommand([2, 1, 0]),
  new QueryCommand(0, 'asc', 1),
];

/** Model-based: transactions (all-or-nothing, exact reasons), get, batch-get/-write loops and queries agree with a Map. */
export const modelBasedCheck: KvCheck = {
  name: 'model-based: transactions, get, batchGet, batchWrite and query agree with a Map model',
  group: 'model',
  run: (factory, options) =>
    withTables(factory, 'model', [PK_SK_NUMBER], async (driver, [schema]) => {
      const real: Real = { driver, schema: schema! };
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbs, { maxCommands: 20 }), async (commands) => {
          const setup = () => ({ model: { scope: uniqueToken(), table: new TableModel(schema!) }, real });
          await fc.asyncModelRun(setup, commands);
        }),
        withExamples<[Iterable<Cmd>]>(propertyParameters(options), [[TARGETED_COMMANDS]]),
      );
    }),
};
