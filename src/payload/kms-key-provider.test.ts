/** The KMS key provider against a mocked KMS client (no KMS server runs here): what it sends, and how its failures are typed. */
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { kmsKeyProvider } from '../../kms/index.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { EventStore } from '../event-store.js';

const kms = mockClient(KMSClient);
afterEach(() => kms.reset());

/** A fake KMS: "encrypts" by prefixing the key id and context, and checks both on decrypt, as KMS does. */
function fakeKms(): void {
  kms.on(EncryptCommand).callsFake((input: { KeyId: string; Plaintext: Uint8Array; EncryptionContext: Record<string, string> }) => ({
    CiphertextBlob: new Uint8Array(
      Buffer.concat([Buffer.from(`${input.KeyId}|${JSON.stringify(input.EncryptionContext)}|`), Buffer.from(input.Plaintext)]),
    ),
  }));
  kms.on(DecryptCommand).callsFake((input: { KeyId: string; CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string> }) => {
    const prefix = Buffer.from(`${input.KeyId}|${JSON.stringify(input.EncryptionContext)}|`);
    const blob = Buffer.from(input.CiphertextBlob);
    if (!blob.subarray(0, prefix.length).equals(prefix)) {
      throw Object.assign(new Error('The ciphertext refers to a customer master key that does not exist'), {
        name: 'IncorrectKeyException',
      });
    }
    return { Plaintext: new Uint8Array(blob.subarray(prefix.length)), KeyId: input.KeyId };
  });
}

const event = (id: string, identifier: string) => ({
  id,
  domain: 'acct',
  identifier,
  type: 'Opened',
  payload: { id },
  created: new Date(),
});

describe('kmsKeyProvider', () => {
  it('wraps the table key once; a fresh process reading 40 streams calls Decrypt once', async () => {
    fakeKms();
    const client = new KMSClient({ region: 'eu-west-1' });
    const kv = new MemoryKvDriver();
    const blobs = new MemoryBlobDriver();
    const keys = kmsKeyProvider({ client, keyId: 'alias/events' });
    const writer = new EventStore({ kv, blobs, encryption: { keys } });
    for (let index = 0; index < 40; index++) await writer.appendEvents([event(`e${index}`, `s${index}`)]);
    expect(kms.commandCalls(EncryptCommand)).toHaveLength(1);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
    expect(kms.commandCalls(EncryptCommand)[0]!.args[0].input).toMatchObject({
      KeyId: 'alias/events',
      EncryptionContext: { purpose: 'event-store-table-key' },
    });

    const reader = new EventStore({ kv, blobs, encryption: { keys: kmsKeyProvider({ client, keyId: 'alias/events' }) } });
    let read = 0;
    for await (const page of await reader.getAllEvents(9)) read += page.length;
    for (let index = 0; index < 40; index++)
      expect((await reader.getStreamEvents('acct', `s${index}`))[0]!.payload).toEqual({ id: `e${index}` });
    expect(read).toBe(40);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
  });

  it('another KMS key: CODEC/KEY_UNWRAP_FAILED naming the event; KMS down: CODEC/KEY_PROVIDER with its error as cause', async () => {
    fakeKms();
    const client = new KMSClient({ region: 'eu-west-1' });
    const kv = new MemoryKvDriver();
    await new EventStore({ kv, encryption: { keys: kmsKeyProvider({ client, keyId: 'key-a' }) } }).appendEvents([event('x1', 'x')]);
    const other = new EventStore({ kv, encryption: { keys: kmsKeyProvider({ client, keyId: 'key-b' }) } });
    const wrong = await other.getEventById('x1').catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(EventStoreAdapterError);
    expect(wrong).toMatchObject({ code: ErrorCodes.CODEC_KEY_UNWRAP_FAILED, details: { eventId: 'x1' } });

    kms.reset();
    kms.on(DecryptCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const down = new EventStore({ kv, encryption: { keys: kmsKeyProvider({ client, keyId: 'key-a' }) } });
    const failure = await down.getEventById('x1').catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: ErrorCodes.CODEC_KEY_PROVIDER });
    expect((failure as Error).cause).toMatchObject({ name: 'ThrottlingException' });
  });

  it('refuses options without a client or key id: INPUT/INVALID_OPTIONS', () => {
    expect(() => kmsKeyProvider({ client: undefined as never, keyId: 'k' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }),
    );
    expect(() => kmsKeyProvider({ client: new KMSClient({ region: 'eu-west-1' }), keyId: '' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }),
    );
  });
});
