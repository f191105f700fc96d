/**
 * Summarise V8 CPU profiles (`--cpu-prof` output): the functions with the most self time, and the project files
 * with the most inclusive time. Usage: `npx tsx bench/profile/summarize.ts <file.cpuprofile | folder> [top=25]`
 * (for a folder, the largest profile in it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [target, topArg] = process.argv.slice(2);
if (!target) {
  process.stderr.write('usage: summarize.ts <file.cpuprofile | folder> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const file = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(target, name))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]
  : target;
if (!file) throw new Error(`no .cpuprofile in ${target}`);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const selfMicros = new Map<number, number>();
// The first delta runs from the profile's start to its first sample (the profiler starting up): skip it.
profile.samples.forEach((id, index) => {
  if (index > 0) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\/\/work\/main\//, '').replace(/^.*node_modules\//, 'nm:');
  return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
};

// Self time per function (merged across call sites).
const self = new Map<string, number>();
for (const [id, micros] of selfMicros) self.set(label(byId.get(id)!), (self.get(label(byId.get(id)!)) ?? 0) + micros);
// Inclusive time per project file: a sample counts once for every distinct project file on its stack.
const inclusive = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const files = new Set<string>();
  for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
    const url = byId.get(cursor)!.callFrame.url;
    const match = /\/work\/main\/((?:src|drivers|bench)\/[^?]+)/.exec(url);
    if (match) files.add(match[1]!);
  }
  for (const name of files) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
}

const pct = (micros: number): string => `${((micros / total) * 100).toFixed(1).padStart(5)}%`;
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n\nTop ${top} by self time:\n`);
for (const [name, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(micros)}  ${name}\n`);
process.stdout.write('\nProject files by inclusive time:\n');
for (const [name, micros] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 20)) process.stdout.write(`  ${pct(micros)}  ${name}\n`);
