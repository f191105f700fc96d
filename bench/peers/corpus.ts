/**
 * A deterministic corpus of realistic event payloads for the peer bench: JSON documents of several business shapes
 * (a payment, a profile change, an order with line items, a sensor batch, a revised document with prose, an audit
 * trail), each between {@link MIN_PAYLOAD_BYTES} and {@link MAX_PAYLOAD_BYTES} of JSON text. Not padding: ids,
 * amounts, dates, enums, nested objects, arrays of records and sentences drawn from a vocabulary, so a compressor
 * meets roughly what it would meet in production (repeated keys, some free text, some random ids).
 *
 * `corpusEvent(i)` is a pure function of `i` (a seeded PRNG per index): every library in a run, and every run, stores
 * exactly the same payloads for the same event index.
 */

/** Smallest payload, in bytes of JSON text. */
export const MIN_PAYLOAD_BYTES = 200;
/** Largest payload, in bytes of JSON text (well under every library's item limit: 400 KB on DynamoDB). */
export const MAX_PAYLOAD_BYTES = 50_000;

/**
 * The size mix, as (share, low, high) bands of target sizes: most events small, a tail of large ones. Mean about
 * 3.5 KB, median about 900 B.
 */
const SIZE_BANDS: readonly (readonly [share: number, low: number, high: number])[] = [
  [0.55, MIN_PAYLOAD_BYTES, 1_000],
  [0.3, 1_000, 5_000],
  [0.12, 5_000, 20_000],
  [0.03, 20_000, MAX_PAYLOAD_BYTES],
];

/** One corpus entry: an event type and its payload and metadata (plain JSON values). */
export interface CorpusEvent {
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly meta: Record<string, unknown>;
}

/** The event of index `index` (>= 0): same index, same event, always. */
export function corpusEvent(index: number): CorpusEvent {
  const random = rng(index);
  const target = targetSize(random);
  const shape = SHAPES[Math.floor(random() * SHAPES.length)]!;
  const payload = grow(shape, random, target);
  return {
    type: shape.type,
    payload,
    meta: {
      userId: `user-${1 + Math.floor(random() * 5_000)}`,
      source: pick(random, SOURCES),
      schemaVersion: 1 + Math.floor(random() * 3),
    },
  };
}

/** Bytes of the JSON text of `value`. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** A shape: an event type, a base document, and one "unit" of growth (a line item, a reading, a paragraph…). */
interface Shape {
  readonly type: string;
  base(random: Random): Record<string, unknown>;
  /** Add one unit of content to `doc` (in place); returns the unit added. */
  grow(doc: Record<string, unknown>, random: Random): unknown;
}

type Random = () => number;

/** Build a document of `shape` and grow it until its JSON reaches `target` bytes, then trim to the bounds. */
function grow(shape: Shape, random: Random, target: number): Record<string, unknown> {
  const doc = shape.base(random);
  // Sizes are tracked per unit (its JSON plus a comma) and checked whole at the end: stringifying the whole
  // document after each unit would make a 50 KB document quadratic.
  let size = jsonBytes(doc);
  while (size < target) size += jsonBytes(shape.grow(doc, random)) + 1;
  size = jsonBytes(doc);
  while (size < MIN_PAYLOAD_BYTES) size += jsonBytes(shape.grow(doc, random)) + 1;
  while (jsonBytes(doc) > MAX_PAYLOAD_BYTES) shrink(doc);
  return doc;
}

/** Drop the last unit of the largest array in `doc` (used only when a unit overshot the maximum). */
function shrink(doc: Record<string, unknown>): void {
  const arrays = Object.values(doc).filter((value): value is unknown[] => Array.isArray(value) && value.length > 0);
  const largest = arrays.sort((a, b) => jsonBytes(b) - jsonBytes(a))[0];
  if (!largest) throw new Error('corpus: a document over the maximum has nothing to shrink');
  largest.pop();
}

function targetSize(random: Random): number {
  let draw = random();
  for (const [share, low, high] of SIZE_BANDS) {
    if (draw < share) return Math.round(low + random() * (high - low));
    draw -= share;
  }
  return MIN_PAYLOAD_BYTES;
}

const SOURCES = ['web', 'mobile-ios', 'mobile-android', 'backoffice', 'partner-api', 'batch-import'] as const;
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'JPY'] as const;
const COUNTRIES = ['DE', 'FR', 'NL', 'GB', 'US', 'SE', 'CH', 'ES', 'IT', 'PL'] as const;
const CITIES = ['Berlin', 'Lyon', 'Utrecht', 'Leeds', 'Austin', 'Malmö', 'Basel', 'Valencia', 'Turin', 'Gdańsk'] as const;
const STREETS = ['Hauptstraße', 'Rue de la Paix', 'Kerkstraat', 'High Street', 'Main St', 'Storgatan', 'Via Roma'] as const;
const CATEGORIES = ['books', 'garden', 'kitchen', 'toys', 'outdoor', 'office', 'audio', 'lighting', 'sports', 'health'] as const;
const UNITS = ['celsius', 'percent', 'hPa', 'lux', 'ppm'] as const;
const ACTIONS = ['viewed', 'edited', 'approved', 'rejected', 'exported', 'shared', 'commented', 'archived'] as const;
const WORDS = (
  'the a of to and in that is for on with as by at from this be are was it an which or not have has will can ' +
  'customer order invoice payment delivery account contract policy request review approval schedule warehouse ' +
  'shipment return refund discount balance statement report quarter region team manager service support ticket ' +
  'issue change release version update feature risk control audit compliance budget forecast revenue cost margin ' +
  'supplier partner agreement term notice period renewal price quantity product category stock level threshold ' +
  'must should may within after before during between against under over about because however therefore ' +
  'agreed confirmed pending rejected escalated resolved delayed expected received processed approved signed ' +
  'monthly weekly annual first second final additional current previous new existing standard special'
).split(' ');

const SHAPES: readonly Shape[] = [
  {
    type: 'PaymentCaptured',
    base: (random) => ({
      paymentId: uuid(random),
      orderId: uuid(random),
      amount: money(random, 5, 2_000),
      currency: pick(random, CURRENCIES),
      method: pick(random, ['card', 'sepa', 'paypal', 'invoice'] as const),
      card: {
        brand: pick(random, ['visa', 'mastercard', 'amex'] as const),
        last4: digits(random, 4),
        expiry: `${1 + Math.floor(random() * 12)}/${28 + Math.floor(random() * 5)}`,
      },
      capturedAt: isoDate(random),
      fees: [],
    }),
    grow: (doc, random) => {
      return append(doc.fees, {
        kind: pick(random, ['interchange', 'scheme', 'fx', 'processing'] as const),
        amount: money(random, 0, 5),
        currency: doc.currency,
      });
    },
  },
  {
    type: 'ProfileUpdated',
    base: (random) => ({
      customerId: uuid(random),
      changed: {
        email: `${word(random)}.${word(random)}@example.${pick(random, ['com', 'org', 'de', 'fr'] as const)}`,
        locale: `${pick(random, ['de', 'fr', 'en', 'nl'] as const)}-${pick(random, COUNTRIES)}`,
      },
      address: address(random),
      marketingConsent: random() < 0.5,
      preferences: [],
    }),
    grow: (doc, random) => {
      return append(doc.preferences, {
        topic: pick(random, CATEGORIES),
        channel: pick(random, ['email', 'sms', 'push'] as const),
        enabled: random() < 0.7,
        since: isoDate(random),
      });
    },
  },
  {
    type: 'OrderPlaced',
    base: (random) => ({
      orderId: uuid(random),
      customerId: uuid(random),
      placedAt: isoDate(random),
      currency: pick(random, CURRENCIES),
      shipping: { method: pick(random, ['standard', 'express', 'pickup'] as const), address: address(random) },
      billing: address(random),
      lines: [],
      totals: { net: 0, tax: 0, gross: 0 },
    }),
    grow: (doc, random) => {
      const lines = doc.lines as Record<string, unknown>[];
      const quantity = 1 + Math.floor(random() * 4);
      const unitPrice = money(random, 2, 400);
      const line = append(lines, {
        line: lines.length + 1,
        sku: `${pick(random, CATEGORIES).slice(0, 3).toUpperCase()}-${digits(random, 6)}`,
        title: sentence(random, 3, 7),
        category: pick(random, CATEGORIES),
        quantity,
        unitPrice,
        taxRate: pick(random, [0.07, 0.19, 0.2, 0.21] as const),
      });
      const totals = doc.totals as { net: number; tax: number; gross: number };
      totals.net = round2(totals.net + quantity * unitPrice);
      totals.tax = round2(totals.net * 0.19);
      totals.gross = round2(totals.net + totals.tax);
      return line;
    },
  },
  {
    type: 'ReadingsRecorded',
    base: (random) => ({
      deviceId: `dev-${digits(random, 8)}`,
      site: { id: `site-${digits(random, 4)}`, city: pick(random, CITIES), country: pick(random, COUNTRIES) },
      firmware: `${Math.floor(random() * 4)}.${Math.floor(random() * 20)}.${Math.floor(random() * 100)}`,
      unit: pick(random, UNITS),
      readings: [],
    }),
    grow: (doc, random) => {
      const readings = doc.readings as unknown[];
      return append(readings, {
        at: 1_700_000_000 + readings.length * 60,
        value: round2(random() * 1_000),
        quality: pick(random, ['good', 'good', 'good', 'suspect'] as const),
      });
    },
  },
  {
    type: 'DocumentRevised',
    base: (random) => ({
      documentId: uuid(random),
      title: sentence(random, 4, 9),
      revision: 1 + Math.floor(random() * 40),
      authorId: `user-${1 + Math.floor(random() * 5_000)}`,
      tags: Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, CATEGORIES)),
      sections: [],
    }),
    grow: (doc, random) => {
      const sections = doc.sections as unknown[];
      return append(sections, {
        heading: sentence(random, 2, 5),
        body: Array.from({ length: 2 + Math.floor(random() * 5) }, () => sentence(random, 8, 22)).join(' '),
      });
    },
  },
  {
    type: 'AuditTrailAppended',
    base: (random) => ({
      subject: { kind: pick(random, ['invoice', 'contract', 'ticket', 'report'] as const), id: uuid(random) },
      entries: [],
    }),
    grow: (doc, random) => {
      return append(doc.entries, {
        at: isoDate(random),
        actor: `user-${1 + Math.floor(random() * 5_000)}`,
        action: pick(random, ACTIONS),
        ip: `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
        ...(random() < 0.4 ? { note: sentence(random, 5, 14) } : {}),
      });
    },
  },
];

/** Push `unit` onto the array `list` (a document's growing array); returns `unit`. */
function append<T>(list: unknown, unit: T): T {
  (list as T[]).push(unit);
  return unit;
}

function address(random: Random): Record<string, unknown> {
  return {
    line1: `${pick(random, STREETS)} ${1 + Math.floor(random() * 200)}`,
    postalCode: digits(random, 5),
    city: pick(random, CITIES),
    country: pick(random, COUNTRIES),
  };
}

function sentence(random: Random, min: number, max: number): string {
  const length = min + Math.floor(random() * (max - min + 1));
  const words = Array.from({ length }, () => word(random));
  const first = words[0]!;
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(' ')}.`;
}

function word(random: Random): string {
  return pick(random, WORDS);
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let index = 0; index < count; index++) text += Math.floor(random() * 10);
  return text;
}

function uuid(random: Random): string {
  const hex = (count: number): string => {
    let text = '';
    for (let index = 0; index < count; index++) text += Math.floor(random() * 16).toString(16);
    return text;
  };
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(random() * 4)).toString(16)}${hex(3)}-${hex(12)}`;
}

function isoDate(random: Random): string {
  return new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 2 * 365 * 86_400_000)).toISOString();
}

function money(random: Random, low: number, high: number): number {
  return round2(low + random() * (high - low));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** mulberry32, seeded per index (a hash of the index spreads neighbouring seeds). */
function rng(index: number): Random {
  let state = Math.imul(index + 0x9e3779b9, 0x85ebca6b) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
