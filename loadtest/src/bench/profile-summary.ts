import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The parts of a V8 .cpuprofile (as `--cpu-prof` or the inspector writes it) we read. */
const cpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface ProfileEntry {
  /** `name (file:line)`, the file relative to the repository, the line 1-based. */
  label: string;
  area: string;
  selfMs: number;
  /** Time with the function anywhere on the stack (synchronous part only). */
  totalMs: number;
}

export interface ProfileSummary {
  /** Sampled time that was not idle, in milliseconds. */
  busyMs: number;
  idleMs: number;
  /** The functions with most self time, busiest first. */
  topSelf: ProfileEntry[];
  /** Functions of this repository (libs/, services/) with most total time. */
  topOwnTotal: ProfileEntry[];
  /** Self time by area: a package, a workspace, node internals, GC. */
  areas: Array<{ area: string; selfMs: number }>;
}

const IDLE = '(idle)';

/**
 * Self and total time per function from a sampled profile. Each sample's time is the
 * delta to the next sample, so the sums are milliseconds, not counts; total time counts a
 * function once per sample even when it recurses.
 */
export function summariseProfile(path: string, repoRoot: string, top = 25): ProfileSummary {
  const profile = cpuProfile.parse(JSON.parse(readFileSync(path, 'utf8')));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = new Map<number, string>();
  const entries = new Map<string, ProfileEntry>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const file = relativeUrl(frame.url, repoRoot);
    const name = frame.functionName || '(anonymous)';
    const label = file ? `${name} (${file}:${frame.lineNumber + 1})` : name;
    keyOf.set(node.id, label);
    if (!entries.has(label)) entries.set(label, { label, area: areaOf(name, file), selfMs: 0, totalMs: 0 });
  }
  let busyMs = 0;
  let idleMs = 0;
  profile.samples.forEach((sampleId, i) => {
    // timeDeltas[i] is the gap before sample i; the gap after it is its duration.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const label = keyOf.get(sampleId);
    if (label === undefined) return;
    const entry = entries.get(label)!;
    entry.selfMs += ms;
    if (label === IDLE) idleMs += ms;
    else busyMs += ms;
    const seen = new Set<string>();
    for (let id: number | undefined = sampleId; id !== undefined; id = parent.get(id)) {
      const key = keyOf.get(id)!;
      if (seen.has(key) || !byId.has(id)) continue;
      seen.add(key);
      entries.get(key)!.totalMs += ms;
    }
  });
  const all = [...entries.values()];
  const areas = new Map<string, number>();
  for (const entry of all)
    if (entry.label !== IDLE) areas.set(entry.area, (areas.get(entry.area) ?? 0) + entry.selfMs);
  return {
    busyMs,
    idleMs,
    topSelf: all
      .filter((entry) => entry.label !== IDLE)
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
    topOwnTotal: all
      .filter((entry) => entry.area.startsWith('@quarterhour/'))
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, top),
    areas: [...areas].map(([area, selfMs]) => ({ area, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

/** File URLs relative to the repository, so no report shows where it was checked out. */
function relativeUrl(url: string, repoRoot: string): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const root = repoRoot.endsWith('/') ? repoRoot : `${repoRoot}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

function areaOf(name: string, file: string): string {
  if (!file) return name.startsWith('(') ? name : '(native)';
  if (file.startsWith('node:')) return 'node internals';
  const nodeModules = file.lastIndexOf('node_modules/');
  if (nodeModules >= 0) {
    const [first = '', second = ''] = file.slice(nodeModules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const workspace = file.match(/^(libs|services|loadtest|infra)\/([^/]+)/);
  if (workspace)
    return workspace[1] === 'loadtest' ? '@quarterhour/loadtest' : `@quarterhour/${workspace[2]}`;
  return file;
}
