/** Deterministic benchmark events: monotonic ids (ULID-like, sortable), small realistic payloads, chosen streams and dates. */
import type { CreatedEvent } from '../src/index.js';

/** Domain of every benchmark event. */
export const BENCH_DOMAIN = 'account';

/** Where and when an event goes. */
export interface EventSpec {
  /** Stream identifier inside {@link BENCH_DOMAIN}. */
  readonly stream: string;
  /** Creation time (default: now). */
  readonly created?: Date;
  /** Payload (default: a small one, about 100 bytes). */
  readonly payload?: unknown;
}

/** Makes events with ids `<tag><10-digit counter>`: unique per factory tag, sorted in creation order. */
export class EventFactory {
  private counter = 0;

  /** `tag` must be unique per data set (runs on one table must not reuse ids). */
  constructor(private readonly tag: string) {}

  /** The next event. */
  next(spec: EventSpec): CreatedEvent {
    const n = ++this.counter;
    return {
      id: `${this.tag}${String(n).padStart(10, '0')}`,
      domain: BENCH_DOMAIN,
      identifier: spec.stream,
      type: 'Deposited',
      payload: spec.payload ?? { amount: n % 1000, currency: 'EUR', reference: `ref-${n}` },
      meta: { userId: 'bench-user', source: 'bench' },
      correlationId: `corr-${n}`,
      created: spec.created ?? new Date(),
    };
  }
}

/** Name of stream `index` (`s-000042`). */
export function streamName(index: number): string {
  return `s-${String(index).padStart(6, '0')}`;
}

/** A JSON string payload of about `bytes` bytes (ASCII), the shape of a large document payload. */
export function largePayload(bytes: number, seed: number): { document: string } {
  const unit = `chunk-${seed}-`;
  return { document: unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes) };
}

/**
 * `count` dates spread evenly over `months` calendar months (UTC) starting at `start`, ascending: the i-th of
 * `count` falls at the same fraction of the whole span.
 */
export function spreadDates(count: number, months: number, start: Date = new Date(Date.UTC(2024, 0, 1))): Date[] {
  const from = start.getTime();
  const to = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1);
  const step = (to - from) / count;
  return Array.from({ length: count }, (_, index) => new Date(Math.floor(from + index * step)));
}
