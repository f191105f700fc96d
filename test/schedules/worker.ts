/**
 * A child process of the whole-API schedules on the real servers: one store instance (real-instance.ts) per
 * schedule, driven over IPC by the test process (`fork` with `--import tsx`). Messages in: `{ type: 'open', config }`
 * (closes the previous schedule's instance, opens and initialises a new one), `{ type: 'op', id, op }` (runs one
 * operation; several may run at once, as actors share the instance), `{ type: 'close' }`. Messages out:
 * `{ type: 'opened' }`, `{ type: 'record', id, record }`, `{ type: 'closed', faults }`, `{ type: 'error', message }`.
 */
import { openRealInstance, type RealInstance, type RealInstanceConfig } from './real-instance.js';
import type { ResolvedOp } from './model.js';

type Inbound = { type: 'open'; config: RealInstanceConfig } | { type: 'op'; id: number; op: ResolvedOp } | { type: 'close' };

let instance: RealInstance | undefined;
const send = (message: unknown) => process.send!(message);

process.on('message', (message: Inbound) => {
  void handle(message).catch((error: unknown) =>
    send({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }),
  );
});
process.on('disconnect', () => {
  void instance?.close().finally(() => process.exit(0));
});

async function handle(message: Inbound): Promise<void> {
  if (message.type === 'open') {
    await instance?.close();
    instance = openRealInstance(message.config);
    await instance.init();
    send({ type: 'opened' });
  } else if (message.type === 'op') {
    const record = await instance!.exec(message.op);
    send({ type: 'record', id: message.id, record });
  } else {
    const faults = instance?.faults() ?? 0;
    await instance?.close();
    instance = undefined;
    send({ type: 'closed', faults });
  }
}
