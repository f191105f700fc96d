/**
 * Attribute values in and out of the in-memory store: validation (what DynamoDB and its document client accept),
 * deep copies (no shared references between caller and store), deep equality and a canonical fingerprint.
 */
import type { AttributeValue, Item } from '../../src/ports/kv-driver.js';

/** Why a value is not storable, or `undefined` when it is. `path` names the offending attribute. */
export function findInvalidValue(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    // DynamoDB numbers are finite decimals: NaN and Infinity cannot be marshalled.
    return Number.isFinite(value) ? undefined : `${path}: number must be finite`;
  }
  if (value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (element === undefined) return `${path}[${i}]: list elements cannot be undefined`;
      const problem = findInvalidValue(element, `${path}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      return `${path}: only plain objects, arrays, strings, numbers, booleans, null and Uint8Array are storable`;
    }
    for (const [name, element] of Object.entries(value)) {
      if (element === undefined) continue;
      const problem = findInvalidValue(element, `${path}.${name}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  return `${path}: unsupported type ${typeof value}`;
}

/** Deep copy of a value; `Uint8Array`s (Buffers included) become fresh `Uint8Array`s; `undefined` map entries are dropped. */
export function cloneValue(value: AttributeValue): AttributeValue {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(cloneValue);
  const copy: Record<string, AttributeValue> = {};
  for (const name of Object.keys(value)) {
    const element = value[name];
    if (element !== undefined) copy[name] = cloneValue(element);
  }
  return copy;
}

/** Deep copy of an item, dropping attributes whose value is `undefined` (as the document client does). */
export function cloneItem(item: Item): Item {
  return cloneValue(item) as Item;
}

/** Structural equality of two stored values (numbers by value, bytes by content). */
export function valuesEqual(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.byteLength !== b.byteLength) return false;
    for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return a.every((element, i) => valuesEqual(element, b[i]));
  }
  const namesA = Object.keys(a).filter((name) => a[name] !== undefined);
  const namesB = Object.keys(b).filter((name) => b[name] !== undefined);
  if (namesA.length !== namesB.length) return false;
  return namesA.every((name) => valuesEqual(a[name], b[name]));
}

/**
 * Canonical text of a value: map keys sorted, bytes tagged, `undefined` dropped. Equal values give equal text;
 * used to recognise a replayed transaction (same token, same request).
 */
export function fingerprint(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(canonical);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(value).sort()) {
    const element = (value as Record<string, unknown>)[name];
    if (element !== undefined) out[name] = canonical(element);
  }
  return out;
}
