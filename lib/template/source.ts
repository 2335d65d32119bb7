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
   * What parsers record: for each container, where its record starts in `flat`: [start offset, n, the
   * offsets of its n keys (object) or items (array)], n negative (-n - 1) for an array. One typed array for a
   * whole document: a few bytes a position, nothing for the garbage collector to walk.
   */
  private readonly at = new Map<object, number>();
  private flat = new Int32Array(256);
  private used = 0;
  /** an object's keys in the order written, where that is not the object's own order (integer-like keys) */
  private readonly writtenKeys = new Map<object, readonly string[]>();

  /** `lineStarts`: the offset where each line starts (0 first), for the offsets recorded with {@link setOffsets} */
  constructor(private readonly lineStarts: readonly number[] = [0]) {}

  set(container: object, record: ContainerPosition): void {
    this.records.set(container, record);
  }

  /**
   * Records where `container` starts and where each of its keys (object) or items (array) starts, as offsets
   * (those of `offsets` from `from` on); `keys`: an object's keys in the order written, when that is not the
   * object's own order.
   */
  setOffsets(container: object, start: number, offsets: readonly number[], object: boolean, keys?: readonly string[], from = 0): void {
    const n = offsets.length - from;
    if (this.used + n + 2 > this.flat.length) {
      const grown = new Int32Array(Math.max(this.flat.length * 2, this.used + n + 2));
      grown.set(this.flat.subarray(0, this.used));
      this.flat = grown;
    }
    const i = this.used;
    this.flat[i] = start;
    this.flat[i + 1] = object ? n : -n - 1;
    for (let k = 0; k < n; k++) this.flat[i + 2 + k] = offsets[from + k];
    this.used += n + 2;
    this.at.set(container, i);
    if (keys) this.writtenKeys.set(container, keys);
  }

  get(container: object): ContainerPosition | undefined {
    const i = this.at.get(container);
    if (i === undefined) return this.records.get(container);
    const start = this.position(this.flat[i]);
    const count = this.flat[i + 1];
    if (count < 0) return { start, items: Array.from({ length: -count - 1 }, (_, k) => this.position(this.flat[i + 2 + k])) };
    const keys = this.writtenKeys.get(container) ?? Object.keys(container);
    return { start, keys: new Map(keys.slice(0, count).map((key, k) => [key, this.position(this.flat[i + 2 + k])])) };
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
    let best = base ?? (isContainer(root) ? this.startOf(root) : undefined) ?? { line: 1, column: 1 };
    let current: unknown = root;
    for (const seg of path) {
      if (!isContainer(current)) break;
      let next: unknown;
      if (Array.isArray(current)) {
        if (typeof seg !== 'number' || seg < 0 || seg >= current.length) break;
        next = current[seg];
      } else {
        const key = String(seg);
        if (!Object.prototype.hasOwnProperty.call(current, key)) break;
        next = (current as Record<string, unknown>)[key];
      }
      const pos = this.childPosition(current, seg);
      if (pos) best = pos;
      current = next;
    }
    return best;
  }

  private startOf(container: object): Position | undefined {
    const i = this.at.get(container);
    return i === undefined ? this.records.get(container)?.start : this.position(this.flat[i]);
  }

  private childPosition(container: object, seg: string | number): Position | undefined {
    const i = this.at.get(container);
    if (i === undefined) {
      const record = this.records.get(container);
      return Array.isArray(container) ? record?.items?.[seg as number] : record?.keys?.get(String(seg));
    }
    const count = this.flat[i + 1];
    const n = count < 0 ? -count - 1 : count;
    const index = count < 0 ? (seg as number) : (this.writtenKeys.get(container) ?? Object.keys(container)).indexOf(String(seg));
    return index >= 0 && index < n ? this.position(this.flat[i + 2 + index]) : undefined;
  }
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}
