/** Seeded mutations of a trace's text, for the "never crash" and "fast check agrees with zod" tests. */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

const WEIRD_VALUES: unknown[] = [null, -1, 1.5, 1e308, -0, 0, '', 'x', '-Infinity', true, false, [], {}, [null], { id: -1 }, 2 ** 53, '1.0.0', 'header', 'footer'];

/** Every path to a value inside a JSON value (objects and arrays), root excluded. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out)));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      paths(v, [...prefix, k], out);
    }
  }
  return out;
}

/** Changes, deletes or adds one field somewhere inside a record. */
export function mutateRecord(record: unknown, rand: Rand): unknown {
  const copy = structuredClone(record) as Record<string | number, unknown>;
  const all = paths(copy);
  if (all.length === 0) return pick(rand, WEIRD_VALUES);
  const path = pick(rand, all);
  let parent: any = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const key = path[path.length - 1];
  const action = rand();
  if (action < 0.2 && !Array.isArray(parent)) delete parent[key];
  else if (action < 0.3 && !Array.isArray(parent)) parent[`extra_${Math.floor(rand() * 100)}`] = pick(rand, WEIRD_VALUES);
  else if (action < 0.4 && typeof parent[key] === 'number') parent[key] = parent[key] + (rand() < 0.5 ? 0.5 : -1e6);
  else parent[key] = structuredClone(pick(rand, WEIRD_VALUES));
  return copy;
}

/** One to three mutations of the text: bytes, whole lines, or one field of one record. */
export function mutateTrace(text: string, rand: Rand): string {
  let out = text;
  const count = 1 + Math.floor(rand() * 3);
  for (let m = 0; m < count; m++) {
    const lines = out.split('\n');
    const kind = Math.floor(rand() * 7);
    const at = Math.floor(rand() * Math.max(1, out.length));
    const line = Math.floor(rand() * lines.length);
    switch (kind) {
      case 0: // replace a byte
        out = out.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + out.slice(at + 1);
        break;
      case 1: // delete a run of bytes
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 40));
        break;
      case 2: // truncate
        out = out.slice(0, at);
        break;
      case 3: // delete a line
        lines.splice(line, 1);
        out = lines.join('\n');
        break;
      case 4: // duplicate or move a line
        lines.splice(Math.floor(rand() * lines.length), 0, lines[line]);
        out = lines.join('\n');
        break;
      default: {
        // change one field of one record
        try {
          lines[line] = JSON.stringify(mutateRecord(JSON.parse(lines[line]), rand));
        } catch {
          lines[line] = lines[line].split('').reverse().join('');
        }
        out = lines.join('\n');
      }
    }
  }
  return out;
}
