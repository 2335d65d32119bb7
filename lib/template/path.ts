/** A location inside a parsed document: object keys and array indices, from the root. */
export type PathSegment = string | number;
/** A path from a document's root: keys and indices. */
export type JsonPath = readonly PathSegment[];

const IDENT = /^[A-Za-z_$][\w$:-]*$/;

/** `['Resources', 'Fn', 'Properties', 'Tags', 0]` → `Resources.Fn.Properties.Tags[0]`. */
export function formatPath(path: JsonPath): string {
  // joined rather than added up: a finding keeps its path, and a string built by `+=` is kept as the chain of
  // its parts (a hundred thousand findings hold megabytes of such chains)
  const parts: string[] = [];
  for (const seg of path) {
    if (typeof seg === 'number') parts.push(`[${seg}]`);
    else if (IDENT.test(seg)) parts.push(parts.length === 0 ? seg : `.${seg}`);
    else parts.push(`[${JSON.stringify(seg)}]`);
  }
  return parts.join('');
}

/**
 * Paths read, by text: rules read the same few literal paths (`Properties.TracingConfig.Mode`) on every resource
 * of a scan. Bounded, as the paths of findings are many and each is read once or twice.
 */
const PARSED = new Map<string, JsonPath>();
const PARSED_LIMIT = 4096;

/** Inverse of {@link formatPath}; also accepts an array path as is. The result is shared: never change it. */
export function parsePath(path: string | JsonPath): JsonPath {
  if (typeof path !== 'string') return path;
  let parsed = PARSED.get(path);
  if (parsed === undefined) {
    if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
    PARSED.set(path, (parsed = Object.freeze(readPath(path))));
  }
  return parsed;
}

function readPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string);
    else out.push(m[3]);
  }
  return out;
}
