/**
 * The public operations the instrumentation wraps (one span `eventstore.<operation>` each) and what each reports
 * beyond the figures every call has: how many events it handled, and its identifiers (recorded only with
 * `telemetry.recordIdentifiers`). Arguments are the caller's, possibly invalid: every reader here is defensive.
 */
import { streamKey } from '../layout/keys.js';

/** Attribute values this module produces. */
export type AttributeMap = Record<string, string | number | boolean | string[]>;

/** How one operation is reported. */
export interface OperationSpec {
  /** Events the call handled (given or returned); `result` is undefined when the call failed. */
  readonly events?: (args: readonly unknown[], result: unknown) => number | undefined;
  /** Stream names and ids: personal data, put on the span only with `recordIdentifiers`. */
  readonly identifiers?: (args: readonly unknown[]) => AttributeMap;
  /** Attributes always recorded (a consumer's name: chosen by the operator, not personal data). */
  readonly attributes?: (args: readonly unknown[]) => AttributeMap;
  /** The result is a replay's iterator: each page it yields is an operation `<name>.page` of its own. */
  readonly pages?: boolean;
}

const length = (value: unknown): number | undefined => (Array.isArray(value) ? value.length : undefined);
const given = (args: readonly unknown[]) => length(args[0]);
const returned = (_args: readonly unknown[], result: unknown) => length(result);
const found = (_args: readonly unknown[], result: unknown) => (result === undefined ? undefined : result === null ? 0 : 1);

/** `eventstore.streams`: the distinct `domain::identifier` of the events (or stream references) in `list`. */
function streamsOf(list: unknown): AttributeMap {
  if (!Array.isArray(list)) return {};
  const streams = new Set<string>();
  for (const entry of list) {
    const { domain, identifier } = (entry ?? {}) as { domain?: unknown; identifier?: unknown };
    if (typeof domain === 'string') streams.add(streamKey(domain, typeof identifier === 'string' ? identifier : undefined));
  }
  return { 'eventstore.streams': [...streams] };
}

const stream = (args: readonly unknown[]): AttributeMap => streamsOf([{ domain: args[0], identifier: args[1] }]);
const text =
  (name: string) =>
  (args: readonly unknown[]): AttributeMap =>
    typeof args[0] === 'string' ? { [name]: args[0] } : {};
const consumer = (args: readonly unknown[]): AttributeMap => {
  const name = typeof args[0] === 'string' ? args[0] : (args[0] as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? { 'eventstore.consumer.name': name } : {};
};

/** Every instrumented method of the store, by name. */
export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  init: {},
  storeEvents: { events: given, identifiers: (args) => streamsOf(args[0]) },
  appendEvents: { events: given, identifiers: (args) => streamsOf(args[0]) },
  append: { events: given, identifiers: (args) => streamsOf(args[0]) },
  appendBatch: { events: given, identifiers: (args) => streamsOf(args[0]) },
  appendToStream: { events: given, identifiers: (args) => streamsOf(args[0]) },
  getStreamVersions: { identifiers: (args) => streamsOf(args[0]) },
  getAllEvents: { pages: true },
  getStreamEvents: { events: returned, identifiers: stream },
  getStreamSequence: { identifiers: stream },
  getSnapshot: { identifiers: stream },
  saveSnapshot: { identifiers: (args) => streamsOf([args[0]]) },
  getEventById: { events: found, identifiers: text('eventstore.event.id') },
  findByCausationId: { events: returned, identifiers: text('eventstore.causation.id') },
  decodeStreamRecord: { events: (_args, result) => (result === undefined ? 0 : 1) },
  decodeStreamRecords: { events: returned },
  getLogPage: { events: (_args, result) => length((result as { events?: unknown } | undefined)?.events) },
  subscribe: { attributes: consumer },
  resetConsumer: { attributes: consumer },
  resetStore: {},
  reset: {},
  sweepOrphanBlobs: {},
};

/** A replay page (`getAllEvents.page`): the events it yielded. */
export const PAGE_SPEC: OperationSpec = {
  events: (_args, result) => {
    const step = result as IteratorResult<unknown> | undefined;
    return step === undefined ? undefined : step.done ? 0 : (length(step.value) ?? 0);
  },
};

/** A `subscribe` poll (`subscribe.poll`): its consumer, and the events the page delivered. */
export const POLL_SPEC: OperationSpec = {
  attributes: consumer,
  events: (_args, result) => (result as { events?: number } | undefined)?.events,
};
