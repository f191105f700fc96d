/**
 * Progress display: a cli-progress bar (counts, rate, ETA) on stderr when stdout and stderr are terminals, plain
 * lines every few seconds otherwise (logs, CI), nothing with `--quiet`. Always on stderr: stdout is the result's.
 */
import cliProgress from 'cli-progress';
import type { Progress, ProgressListener } from '../ops/progress.js';

/** Seconds between plain progress lines. */
const LINE_INTERVAL_MS = 5_000;

/** A progress listener for the terminal, and `stop()` to end the display. */
export function progressDisplay(options: { quiet?: boolean; interactive?: boolean; write?: (text: string) => void } = {}): {
  listener: ProgressListener;
  stop: () => void;
} {
  if (options.quiet) return { listener: () => undefined, stop: () => undefined };
  const interactive = options.interactive ?? (process.stdout.isTTY === true && process.stderr.isTTY === true);
  return interactive ? barDisplay() : lineDisplay(options.write ?? ((text) => process.stderr.write(text)));
}

function barDisplay(): { listener: ProgressListener; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  let phase: string | undefined;
  let started = Date.now();
  const listener = (progress: Progress) => {
    if (progress.phase !== phase) {
      bar?.stop();
      phase = progress.phase;
      started = Date.now();
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format:
            progress.total === undefined
              ? `${progress.phase} | {value} ${progress.unit} | {rate}/s`
              : `${progress.phase} [{bar}] {percentage}% | {value}/{total} ${progress.unit} | {rate}/s | ETA {eta_formatted}`,
          hideCursor: true,
          etaBuffer: 50,
          noTTYOutput: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(progress.total ?? 0, progress.done, { rate: '0' });
    }
    if (progress.total !== undefined) bar!.setTotal(Math.max(progress.total, progress.done));
    bar!.update(progress.done, { rate: rate(progress.done, started) });
  };
  return { listener, stop: () => bar?.stop() };
}

function lineDisplay(write: (text: string) => void): { listener: ProgressListener; stop: () => void } {
  let last = 0;
  let phase: string | undefined;
  let started = Date.now();
  let latest: Progress | undefined;
  let printed: Progress | undefined;
  const print = (progress: Progress) => {
    printed = progress;
    const total = progress.total === undefined ? '' : ` of ${progress.total}`;
    const eta =
      progress.total !== undefined && progress.done > 0
        ? `, ETA ${Math.max(0, Math.round((((Date.now() - started) / progress.done) * (progress.total - progress.done)) / 1000))} s`
        : '';
    write(`${progress.phase}: ${progress.done}${total} ${progress.unit} (${rate(progress.done, started)}/s${eta})\n`);
  };
  const listener = (progress: Progress) => {
    if (progress.phase !== phase) {
      if (latest !== undefined && latest !== printed) print(latest); // the phase that ends, as it ended
      phase = progress.phase;
      started = Date.now();
      last = 0;
    }
    latest = progress;
    const now = Date.now();
    if (now - last >= LINE_INTERVAL_MS || (progress.total !== undefined && progress.done >= progress.total)) {
      last = now;
      print(progress);
    }
  };
  // At the end, the latest state if it was not the last line printed.
  return { listener, stop: () => latest !== undefined && latest !== printed && print(latest) };
}

function rate(done: number, started: number): string {
  const seconds = (Date.now() - started) / 1000;
  return seconds > 0 ? String(Math.round(done / seconds)) : '0';
}
