/**
 * Copy semantics: the driver stores a copy of what it is given and hands out copies. Mutating an item after
 * writing it, or mutating an item returned by get/query/batchGet, never changes what is stored. Also a round
 * trip: nested maps, lists, binary, unicode strings, null and booleans come back as written.
 */
import fc from 'fast-check';
import type { AttributeValue, Item } from '../../../src/ports/kv-driver.js';
import { ensureEqual, propertyParameters, uniqueToken } from '../../harness.js';
import { attributeValueArb } from '../arbitraries.js';
import { PK_SK_NUMBER, withTables, type KvCheck } from '../fixture.js';
import { batchWriteEvery } from '../loops.js';
import { cloneItem } from '../model.js';

/** Mutate `value` in place everywhere it can be mutated: map members, list elements, bytes. */
export function mutateDeep(value: AttributeValue | Item): void {
  if (value instanceof Uint8Array) {
    for (let i = 0; i < value.length; i++) value[i] = value[i]! ^ 0xff;
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      if (element !== null && typeof element === 'object') mutateDeep(element);
      else value[index] = 'mutated';
    });
    value.push('mutated');
    return;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, AttributeValue>;
    for (const [name, member] of Object.entries(record)) {
      if (member !== null && typeof member === 'object') mutateDeep(member);
      else if (name !== 'pk' && name !== 'sk') record[name] = 'mutated';
    }
    record.mutatedExtra = true;
  }
}

const attributesArb = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'ü'), attributeValueArb, { minKeys: 1, maxKeys: 4 });

/** Stored data is never aliased with caller objects, in or out. */
export const copySemanticsCheck: KvCheck = {
  name: 'copy semantics: mutating written or returned items never changes stored data; nested values round-trip',
  group: 'values',
  run: (factory, options) =>
    withTables(factory, 'copy', [PK_SK_NUMBER], async (driver, [schema]) => {
      const table = schema!.name;
      await fc.assert(
        fc.asyncProperty(attributesArb, attributesArb, async (attributes, update) => {
          const key = { pk: uniqueToken(), sk: 1 };
          const read = async () => (await driver.get(table, key, { consistent: true })).item;
          const written: Item = { ...key, ...attributes };
          let expected = cloneItem(written);
          await driver.transactWrite(table, [{ type: 'put', item: written }]);
          mutateDeep(written);
          ensureEqual(await read(), expected, 'item after mutating the object that was put');

          const fromGet = await read();
          if (fromGet) mutateDeep(fromGet);
          ensureEqual(await read(), expected, 'item after mutating the object get returned');

          const page = await driver.query(table, { partition: key.pk, direction: 'asc', consistent: true });
          for (const item of page.items) mutateDeep(item);
          ensureEqual(await read(), expected, 'item after mutating the objects query returned');

          const batch = await driver.batchGet(table, [key], { consistent: true });
          for (const item of batch.items) mutateDeep(item);
          ensureEqual(await read(), expected, 'item after mutating the objects batchGet returned');

          const set = cloneItem(update);
          expected = { ...expected, ...cloneItem(update) };
          await driver.transactWrite(table, [{ type: 'update', key, set }]);
          mutateDeep(set);
          ensureEqual(await read(), expected, 'item after mutating the attributes an update set');

          const batchItem: Item = { ...key, ...cloneItem(attributes) };
          expected = cloneItem(batchItem);
          await batchWriteEvery(driver, schema!, [{ put: batchItem }]);
          mutateDeep(batchItem);
          ensureEqual(await read(), expected, 'item after mutating the object a batchWrite put');
        }),
        propertyParameters(options),
      );
    }),
};
