/**
 * The bundled demo traces (assets/demo/*.trace.jsonl), listed and served the same way by the web
 * server and by Electron's app:// protocol, at the same paths, so the renderer fetches them alike.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const DEMO_TRACES_PATH = '/api/demo-traces';
const DEMO_TRACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.trace\.jsonl(\.gz)?$/;

export interface DemoTraceEntry {
  name: string;
  /** Path relative to the app's origin, e.g. /api/demo-traces/greedy.trace.jsonl */
  url: string;
  bytes: number;
}

export function isDemoTraceName(name: string): boolean {
  return DEMO_TRACE_NAME.test(name) && !name.includes('..');
}

export async function listDemoTraces(dir: string): Promise<DemoTraceEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const entries: DemoTraceEntry[] = [];
  for (const name of names.filter(isDemoTraceName).sort()) {
    const info = await stat(join(dir, name));
    if (info.isFile()) entries.push({ name, url: `${DEMO_TRACES_PATH}/${encodeURIComponent(name)}`, bytes: info.size });
  }
  return entries;
}

export type DemoRoute =
  | { kind: 'list' }
  | { kind: 'file'; path: string }
  | { kind: 'bad-name'; reason: string }
  | { kind: 'not-demo' };

/** Which demo endpoint a (still-encoded) URL path asks for, if any. */
export function routeDemoRequest(dir: string, pathname: string): DemoRoute {
  if (pathname === DEMO_TRACES_PATH) return { kind: 'list' };
  if (!pathname.startsWith(`${DEMO_TRACES_PATH}/`)) return { kind: 'not-demo' };
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice(DEMO_TRACES_PATH.length + 1));
  } catch {
    return { kind: 'bad-name', reason: 'malformed percent-encoding' };
  }
  if (!isDemoTraceName(name)) return { kind: 'bad-name', reason: `not a demo trace name: ${JSON.stringify(name)}` };
  return { kind: 'file', path: join(dir, name) };
}
