/**
 * The peer bench as one phase of `npm run bench` (or alone: `npm run bench:peers`): builds the selected libraries
 * on the shared DynamoDB Local and S3 server, skips our configurations whose options this build refuses (printing
 * why), runs the workloads and returns the results.
 */
import { createDynamoClient, createS3Client } from '../../test/servers/clients.js';
import type { LocalServers } from '../backends.js';
import { now } from '../harness/timing.js';
import {
  castoreLibrary,
  equinoxLibrary,
  oldAdapterLibrary,
  ourLibrary,
  type PeerLibrary,
  type PeerServers,
  unsupportedVariant,
} from './libraries.js';
import type { PeerResults } from './report.js';
import { OUR_VARIANTS, PEER_LIBRARY_NAMES } from './variants.js';
import { type PeerConfig, runPeerWorkloads } from './workloads.js';

/** Run the peer bench on `servers` for the libraries named in `selected` (default: all). */
export async function runPeerBench(
  servers: LocalServers,
  config: PeerConfig,
  log: (message: string) => void,
  selected: readonly string[] = PEER_LIBRARY_NAMES,
): Promise<PeerResults> {
  const started = now();
  const dynamo = createDynamoClient(servers.dynamoEndpoint);
  const s3 = createS3Client(servers.s3Endpoint);
  const shared: PeerServers = { dynamoEndpoint: servers.dynamoEndpoint, s3Endpoint: servers.s3Endpoint, dynamo, s3 };
  const skipped: { name: string; reason: string }[] = [];
  const libraries: PeerLibrary[] = [];
  try {
    for (const variant of OUR_VARIANTS) {
      if (!selected.includes(variant.name)) continue;
      const refusal = unsupportedVariant(variant, shared);
      if (refusal) {
        skipped.push({ name: variant.name, reason: `the constructor refuses ${JSON.stringify(variant.options)} (${refusal})` });
        log(`  note: skipping ${variant.name}: this build does not support ${JSON.stringify(variant.options)} (${refusal})`);
        continue;
      }
      libraries.push(ourLibrary(variant, shared));
    }
    if (selected.includes('old adapter')) libraries.push(oldAdapterLibrary(shared));
    if (selected.includes('Equinox')) libraries.push(equinoxLibrary(shared));
    if (selected.includes('castore')) libraries.push(castoreLibrary(shared));
    const measurements = await runPeerWorkloads(libraries, shared, config, log);
    return {
      config,
      libraries: libraries.map((library) => ({ name: library.name, description: library.description })),
      skipped,
      measurements,
      durationSeconds: (now() - started) / 1000,
    };
  } finally {
    for (const library of libraries) library.stop();
    dynamo.destroy();
    s3.destroy();
  }
}
