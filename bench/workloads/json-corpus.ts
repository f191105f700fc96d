/**
 * A realistic JSON payload corpus for the compression workload: deterministic (seeded), of varied shape (orders
 * with line items, customer profiles, audit records with nested changes, telemetry batches, documents of prose),
 * sized from about 200 B to 50 KB, with no padding: the kind of text event payloads are.
 */

/** A small deterministic PRNG (mulberry32): the same corpus every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'account balance transfer payment invoice customer order shipment warehouse delivery refund policy contract ' +
  'renewal subscription premium standard discount voucher region europe north america pacific quarterly report ' +
  'approved pending rejected review compliance audit ledger settlement currency exchange rate margin forecast ' +
  'supplier inventory product category electronics furniture apparel grocery returned damaged priority express'
).split(' ');
const CITIES = ['Lisbon', 'Berlin', 'Osaka', 'Toronto', 'Nairobi', 'Lyon', 'Austin', 'Seoul', 'Porto', 'Dublin'];

/** One payload of about `bytes` bytes as JSON (within ~10%), of shape `shape` (0..4), from `seed`. */
export function corpusPayload(bytes: number, shape: number, seed: number): unknown {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const id = (prefix: string) => `${prefix}-${Math.floor(rnd() * 1e9).toString(36)}`;
  const money = () => Math.round(rnd() * 100000) / 100;
  const sentence = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const grow = <T>(base: Record<string, unknown>, key: string, make: () => T): unknown => {
    const list: T[] = [];
    base[key] = list;
    while (JSON.stringify(base).length < bytes) list.push(make());
    return base;
  };
  switch (shape % 5) {
    case 0:
      return grow(
        {
          orderId: id('ord'),
          customerId: id('cus'),
          currency: 'EUR',
          status: 'placed',
          shipTo: { city: pick(CITIES), zip: String(10000 + Math.floor(rnd() * 89999)) },
        },
        'lines',
        () => ({
          sku: id('sku'),
          title: sentence(3),
          quantity: 1 + Math.floor(rnd() * 5),
          unitPrice: money(),
          tax: { rate: pick([0.06, 0.13, 0.23]), included: rnd() < 0.5 },
        }),
      );
    case 1:
      return grow(
        {
          customerId: id('cus'),
          name: `${pick(['Ana', 'Ben', 'Chloe', 'Dev', 'Emi'])} ${pick(['Silva', 'Muller', 'Tanaka', 'Okafor'])}`,
          tier: pick(['gold', 'silver']),
        },
        'addresses',
        () => ({
          kind: pick(['billing', 'shipping', 'office']),
          street: `${Math.floor(rnd() * 300)} ${pick(WORDS)} street`,
          city: pick(CITIES),
          verified: rnd() < 0.7,
          since: new Date(1_500_000_000_000 + Math.floor(rnd() * 3e11)).toISOString(),
        }),
      );
    case 2:
      return grow(
        { actor: id('usr'), action: 'update', entity: id('ent'), at: new Date(1_700_000_000_000 + Math.floor(rnd() * 1e10)).toISOString() },
        'changes',
        () => ({
          path: `/${pick(WORDS)}/${pick(WORDS)}`,
          from: rnd() < 0.5 ? money() : sentence(2),
          to: rnd() < 0.5 ? money() : sentence(2),
        }),
      );
    case 3:
      return grow(
        { deviceId: id('dev'), firmware: `4.${Math.floor(rnd() * 9)}.${Math.floor(rnd() * 20)}`, unit: 'celsius' },
        'readings',
        () => ({
          t: 1_700_000_000 + Math.floor(rnd() * 1e6),
          value: Math.round((15 + rnd() * 10) * 1000) / 1000,
          battery: Math.round(rnd() * 100),
        }),
      );
    default:
      return grow({ documentId: id('doc'), title: sentence(6), language: 'en' }, 'paragraphs', () => sentence(20 + Math.floor(rnd() * 40)));
  }
}

/** `count` payloads with sizes spread log-uniformly over [minBytes, maxBytes], shapes rotating. */
export function corpus(count: number, minBytes: number, maxBytes: number, seed = 1): unknown[] {
  const rnd = random(seed * 7919);
  return Array.from({ length: count }, (_, index) => {
    const bytes = Math.round(minBytes * (maxBytes / minBytes) ** rnd());
    return corpusPayload(bytes, index, seed * 100_003 + index);
  });
}
