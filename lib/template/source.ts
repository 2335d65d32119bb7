/**
 * Source positions for parsed values. Parsers return plain JS values (so rules read ordinary objects) and
 * record, for every object and array, where it and each of its keys or items start. Strings and numbers
 * cannot be map keys by identity, so their positions live in their parent's record.
 *
 * The parsers record character offsets, and a document's line starts once: a position object for each of the
 * millions of keys in a large scan would cost more memory than the values themselves. Line and column are
 * worked out when a position is asked for, which is only where a finding is reported.
 */
import type { JsonPath } from './path';

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ContainerPosition {
  /** where the object or array starts (for a tagged YAML value: where the tag starts) */
  readonly start: Position;
  /** object: where each key starts */
  readonly keys?: ReadonlyMap<string, Position>;
  /** array: where each item starts */
  readonly items?: readonly Position[];
}

export class SourceMap {
  // Maps rather than WeakMaps: the records live exactly as long as the document, and weak maps make every
  // garbage collection walk their entries.
  /** positions recorded whole, by code that builds containers after parsing (SAM Globals, Fn::ForEach) */
  private readonly records = new Map<object, ContainerPosition>();
  /**
   * What parsers record, one record per container in one typed array for the whole document (a few bytes a
   * position, nothing for the garbage collector to walk): [start offset, n, then for each of its n keys
   * (object) or items (array) its offset and the index of its own record (-1: a scalar, or not known)], n
   * negative (-n - 1) for an array.
   */
  private flat = new Int32Array(256);
  private used = 0;
  /**
   * Containers' records by identity. A parser binds only some (the JSON reader: the document, its sections and
   * their entries, where paths are looked up from); the others are reached from them through the child
   * indices, and bound all at once ({@link bindAll}) the first time one is asked for directly.
   */
  private readonly at = new Map<object, number>();
  private allBound = false;
  /** an object's keys in the order written, where that is not the object's own order (integer-like keys) */
  private readonly writtenKeys = new Map<object, readonly string[]>();
  private lineStarts: ArrayLike<number>;

  /** `lineStarts`: the offset where each line starts (0 first), for the offsets recorded ({@link setLines} may set them later) */
  constructor(lineStarts: readonly number[] = [0]) {
    this.lineStarts = lineStarts;
  }

  /** The line starts, once the parser has seen every line: kept as a typed array, off the collected heap. */
  setLines(lineStarts: readonly number[]): void {
    this.lineStarts = Int32Array.from(lineStarts);
    // the records are complete too: drop the room left for growth
    if (this.flat.length > this.used) this.flat = this.flat.slice(0, this.used);
  }

  /**
   * For a parser that read a text made from another by adding spaces at the start of lines (YAML read again as
   * CloudFormation reads it, parse-yaml.ts): moves each offset recorded to where `origin` says it is in the other
   * text, whose lines start at `lineStarts`. Positions recorded whole ({@link set}) are not moved.
   */
  moveOffsets(origin: (offset: number) => number, lineStarts: readonly number[]): void {
    const flat = this.flat;
    for (let i = 0; i < this.used;) {
      const count = flat[i + 1];
      const n = count < 0 ? -count - 1 : count;
      flat[i] = origin(flat[i]);
      for (let k = 0; k < n; k++) flat[i + 2 + 2 * k] = origin(flat[i + 2 + 2 * k]);
      i += 2 + 2 * n;
    }
    this.setLines(lineStarts);
  }

  set(container: object, record: ContainerPosition): void {
    this.records.set(container, record);
  }

  /**
   * Records where a container starts and, from `from` on in `children`, pairs of [offset, record index or -1]
   * for each of its keys or items; returns the record's index, for its parent's pair and for {@link bind}.
   */
  addRecord(start: number, children: readonly number[], object: boolean, from = 0): number {
    const n = (children.length - from) >> 1;
    const size = 2 + 2 * n;
    if (this.used + size > this.flat.length) {
      const grown = new Int32Array(Math.max(this.flat.length * 2, this.used + size));
      grown.set(this.flat.subarray(0, this.used));
      this.flat = grown;
    }
    const i = this.used;
    this.flat[i] = start;
    this.flat[i + 1] = object ? n : -n - 1;
    for (let k = 0; k < 2 * n; k++) this.flat[i + 2 + k] = children[from + k];
    this.used += size;
    return i;
  }

  /** Binds `container` to its record; `keys`: an object's keys in the order written, when that is not its own order. */
  bind(container: object, record: number, keys?: readonly string[]): void {
    this.at.set(container, record);
    if (keys) this.writtenKeys.set(container, keys);
  }

  /** {@link addRecord} and {@link bind} for a parser that knows only offsets (children's records are found by identity). */
  setOffsets(
    container: object,
    start: number,
    offsets: readonly number[],
    object: boolean,
    keys?: readonly string[],
  ): void {
    const children: number[] = [];
    for (const offset of offsets) children.push(offset, -1);
    this.bind(container, this.addRecord(start, children, object), keys);
  }

  get(container: object): ContainerPosition | undefined {
    const i = this.recordOf(container);
    if (i === undefined) return this.records.get(container);
    const start = this.position(this.flat[i]);
    const count = this.flat[i + 1];
    if (count < 0)
      return { start, items: Array.from({ length: -count - 1 }, (_, k) => this.position(this.flat[i + 2 + 2 * k])) };
    const keys = this.keysOf(container);
    return {
      start,
      keys: new Map(keys.slice(0, count).map((key, k) => [key, this.position(this.flat[i + 2 + 2 * k])])),
    };
  }

  /** Line and column of a character offset. */
  position(offset: number): Position {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  /**
   * The position of `path` under `root`: the key (or item) that ends the path, or, when the path does not
   * exist all the way down, the deepest part of it that does. A missing property is thus reported where
   * it would be added. `base` is where `root` itself is named (a resource's logical id), used for the empty
   * path; without it, the empty path is where `root` starts.
   */
  locate(root: unknown, path: JsonPath, base?: Position): Position {
    let record = isContainer(root) ? this.recordOf(root) : undefined;
    let best = base ??
      (record !== undefined
        ? this.position(this.flat[record])
        : isContainer(root)
          ? this.records.get(root)?.start
          : undefined) ?? { line: 1, column: 1 };
    let current: unknown = root;
    for (const seg of path) {
      if (!isContainer(current)) break;
      let next: unknown;
      let index: number;
      if (Array.isArray(current)) {
        if (typeof seg !== 'number' || seg < 0 || seg >= current.length) break;
        next = current[seg];
        index = seg;
      } else {
        const key = String(seg);
        if (!Object.prototype.hasOwnProperty.call(current, key)) break;
        next = (current as Record<string, unknown>)[key];
        index = record === undefined ? -1 : this.keysOf(current).indexOf(key);
      }
      let child: number | undefined;
      if (record !== undefined) {
        const count = this.flat[record + 1];
        if (index >= 0 && index < (count < 0 ? -count - 1 : count)) {
          best = this.position(this.flat[record + 2 + 2 * index]);
          child = this.flat[record + 3 + 2 * index];
        }
      } else {
        const whole = this.records.get(current);
        const pos = Array.isArray(current) ? whole?.items?.[seg as number] : whole?.keys?.get(String(seg));
        if (pos) best = pos;
      }
      current = next;
      record = child !== undefined && child >= 0 ? child : isContainer(next) ? this.recordOf(next) : undefined;
    }
    return best;
  }

  private keysOf(container: object): readonly string[] {
    return this.writtenKeys.get(container) ?? Object.keys(container);
  }

  /** The record of a container, binding every recorded container the first time one is not found. */
  private recordOf(container: object): number | undefined {
    const i = this.at.get(container);
    if (i !== undefined || this.allBound || this.records.has(container)) return i;
    this.bindAll();
    return this.at.get(container);
  }

  /** Binds every container reachable from the bound ones through child indices. */
  private bindAll(): void {
    this.allBound = true;
    const pending = [...this.at];
    while (pending.length > 0) {
      const [container, i] = pending.pop()!;
      const count = this.flat[i + 1];
      const n = count < 0 ? -count - 1 : count;
      const keys = count < 0 ? undefined : this.keysOf(container);
      for (let k = 0; k < n; k++) {
        const child = this.flat[i + 3 + 2 * k];
        if (child < 0) continue;
        const value = keys ? (container as Record<string, unknown>)[keys[k]] : (container as unknown[])[k];
        if (!isContainer(value) || this.at.has(value)) continue;
        this.at.set(value, child);
        pending.push([value, child]);
      }
    }
  }
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}
