/**
 * Preloaded into the intake by the bench (`node --import tsx --import <this file> ...`):
 * the first SIGUSR2 starts V8's sampling profiler, the second stops it and writes
 * `<QH_BENCH_PROFILE_DIR>/<pid>.cpuprofile`. So the profile covers one load phase only,
 * not start-up or the rebuild of hot stock. Without QH_BENCH_PROFILE_DIR it does nothing.
 *
 * tsx compiles each module to one line, so raw positions name no line; with source maps
 * on, positions in .ts files are mapped back to their source lines before writing.
 */
import { rename, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import { join } from 'node:path';

interface CallFrame {
  url: string;
  lineNumber: number;
  columnNumber: number;
}

let session: Session | undefined;

async function toggle(dir: string): Promise<void> {
  if (!session) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    return;
  }
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  for (const node of profile.nodes) mapToSource(node.callFrame);
  const path = join(dir, `${process.pid}.cpuprofile`);
  // Written aside, then renamed, so the bench never reads a half-written file.
  await writeFile(`${path}.partial`, JSON.stringify(profile));
  await rename(`${path}.partial`, path);
}

function mapToSource(frame: CallFrame): void {
  if (!frame.url.startsWith('file://') || !frame.url.endsWith('.ts')) return;
  const entry = findSourceMap(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (entry && 'originalLine' in entry) {
    frame.lineNumber = entry.originalLine;
    frame.columnNumber = entry.originalColumn;
  }
}

const dir = process.env.QH_BENCH_PROFILE_DIR;
if (dir) {
  process.setSourceMapsEnabled(true);
  process.on('SIGUSR2', () => {
    toggle(dir).catch((error: Error) => console.error(`profile hook: ${error.message}`));
  });
}
