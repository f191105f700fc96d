/**
 * `eraseStream` (crypto-shredding, docs/codecs.md "Erasure"): the stream's data key item is replaced by a
 * tombstone and its snapshot item deleted, in one transaction. The events stay where they are (ids, sequences, log
 * positions, the change feed and every index untouched); with their key gone their payload and meta can no longer
 * be decrypted by anyone, and every read path returns them with the erased markers (erased.ts). Later writes to the
 * stream are refused (`CODEC/STREAM_ERASED`). Idempotent.
 */
import { snapshotKey } from '../layout/codecs/snapshot.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { resendableTransaction } from '../runtime/retrying-drivers.js';
import type { StoreContext } from '../runtime/store-context.js';
import { A, streamPk } from '../layout/table-layout.js';
import { streamKeyKey } from './keyring.js';

/**
 * Erase the stream (domain, identifier). Cost: one transaction of two actions (about 4 WCU), no key-provider call.
 * Another process that still holds the stream's key in its cache may write one more event under it until it next
 * reads the key item: that event reads as erased too (erase a stream once nothing writes to it).
 * @throws `INPUT/INVALID_ARGUMENT` when the store has no `encryption` option (there is no key to destroy: the payloads are plaintext).
 */
export async function eraseStream(ctx: StoreContext, domain: string, identifier: string): Promise<void> {
  const keyring = ctx.options.payload.keyring;
  if (keyring === undefined) {
    throw new EventStoreAdapterError(
      ErrorCodes.INVALID_ARGUMENT,
      'eraseStream needs the `encryption` option: without it payloads are stored in plaintext and there is no key to destroy',
      { details: { field: 'encryption' } },
    );
  }
  const pk = streamPk(domain, identifier);
  const tombstone = { ...streamKeyKey(pk), [A.erased]: ctx.clock() };
  const result = await resendableTransaction(ctx, 'erase a stream', () =>
    ctx.kv.transactWrite(ctx.options.tableName, [
      { type: 'put', item: tombstone },
      { type: 'delete', key: snapshotKey(pk) },
    ]),
  );
  if (!result.committed) {
    throw new EventStoreAdapterError(ErrorCodes.TRANSACTION_CONFLICT, `eraseStream of ${pk}: the transaction was cancelled; erase again`, {
      details: { stream: pk },
    });
  }
  keyring.markErased(ctx, pk);
}
