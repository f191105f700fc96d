/**
 * Model-based blob check: random put/get/delete/list sequences against a `Map` of key to bytes, keys from a pool
 * of 6 so overwrites and deletes of present keys are common.
 */
import fc from 'fast-check';
import type { BlobDriver } from '../../../src/ports/blob-driver.js';
import { compareUtf8, ensureEqual, propertyParameters } from '../../harness.js';
import { listAll, withContainer, type BlobCheck } from '../fixture.js';

/** Key suffixes of the pool: unicode, nested-looking and prefix-of-each-other names. */
const KEY_POOL = ['a', 'a/b', 'ab', 'é', '\u{1F600}', '\uFF5E'] as const;

interface Model {
  readonly prefix: string;
  readonly objects: Map<string, Uint8Array>;
}
type Cmd = fc.AsyncCommand<Model, BlobDriver>;

const keyArb = fc.integer({ min: 0, max: KEY_POOL.length - 1 });

class PutCommand implements Cmd {
  constructor(
    private readonly key: number,
    private readonly body: Uint8Array,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, driver: BlobDriver): Promise<void> {
    const key = model.prefix + KEY_POOL[this.key]!;
    await driver.put(key, this.body);
    model.objects.set(key, new Uint8Array(this.body));
  }
  toString(): string {
    return `put(${this.key}, ${this.body.length} bytes)`;
  }
}

class GetCommand implements Cmd {
  constructor(private readonly key: number) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, driver: BlobDriver): Promise<void> {
    const key = model.prefix + KEY_POOL[this.key]!;
    ensureEqual(await driver.get(key), model.objects.get(key), `get ${key}`);
  }
  toString(): string {
    return `get(${this.key})`;
  }
}

class DeleteCommand implements Cmd {
  constructor(private readonly keys: readonly number[]) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, driver: BlobDriver): Promise<void> {
    const keys = this.keys.map((index) => model.prefix + KEY_POOL[index]!);
    await driver.delete(keys);
    for (const key of keys) model.objects.delete(key);
  }
  toString(): string {
    return `delete(${this.keys.join(',')})`;
  }
}

class ListCommand implements Cmd {
  constructor(private readonly limit: number | undefined) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, driver: BlobDriver): Promise<void> {
    const { keys } = await listAll(driver, model.prefix, this.limit);
    ensureEqual(keys, [...model.objects.keys()].sort(compareUtf8), `list of ${model.prefix} by ${this.limit}`);
  }
  toString(): string {
    return `list(${this.limit})`;
  }
}

const commandArbs: fc.Arbitrary<Cmd>[] = [
  fc.tuple(keyArb, fc.uint8Array({ maxLength: 16 })).map(([key, body]) => new PutCommand(key, body)),
  keyArb.map((key) => new GetCommand(key)),
  fc.uniqueArray(keyArb, { minLength: 1, maxLength: 3 }).map((keys) => new DeleteCommand(keys)),
  fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }).map((limit) => new ListCommand(limit)),
];

/** put/get/delete/list agree with a Map model. */
export const blobModelBasedCheck: BlobCheck = {
  name: 'model-based: put, get, delete and list agree with a Map model',
  group: 'model',
  run: (factory, options) =>
    withContainer(factory, async (driver, newScope) => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbs, { maxCommands: 20 }), async (commands) => {
          const setup = () => ({ model: { prefix: newScope().prefix, objects: new Map<string, Uint8Array>() }, real: driver });
          await fc.asyncModelRun(setup, commands);
        }),
        propertyParameters(options),
      );
    }),
};
