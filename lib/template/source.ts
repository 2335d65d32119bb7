/**
 * Source positions for parsed values. Parsers return plain JS values (so rules read ordinary objects) and
 * record, for every object and array, where it and each of its keys or items start. Strings and numbers
 * cannot be WeakMap keys, so their positions live in their parent's record.
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
  private readonly records = new WeakMap<object, ContainerPosition>();

  set(container: object, record: ContainerPosition): void {
    this.records.set(container, record);
  }

  get(container: object): ContainerPosition | undefined {
    return this.records.get(container);
  }

  /**
   * The position of `path` under `root`: the key (or item) that ends the path, or, when the path does not
   * exist all the way down, the deepest part of it that does. A missing property is thus reported where
   * it would be added. `base` is where `root` itself is named (a resource's logical id), used for the empty
   * path; without it, the empty path is where `root` starts.
   */
  locate(root: unknown, path: JsonPath, base?: Position): Position {
    const rootRecord = isContainer(root) ? this.records.get(root) : undefined;
    let best = base ?? rootRecord?.start ?? { line: 1, column: 1 };
    let current: unknown = root;
    for (const seg of path) {
      if (!isContainer(current)) break;
      const record = this.records.get(current);
      let next: unknown;
      let pos: Position | undefined;
      if (Array.isArray(current)) {
        if (typeof seg !== 'number' || seg < 0 || seg >= current.length) break;
        next = current[seg];
        pos = record?.items?.[seg];
      } else {
        const key = String(seg);
        if (!Object.prototype.hasOwnProperty.call(current, key)) break;
        next = (current as Record<string, unknown>)[key];
        pos = record?.keys?.get(key);
      }
      if (pos) best = pos;
      current = next;
    }
    return best;
  }
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}
