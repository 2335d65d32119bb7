/**
 * Globs for paths and names given in options and configuration. A pattern may come from an untrusted
 * repository's configuration, so it is matched by a simulation of all its positions at once, in time
 * proportional to pattern length × text length, never by a backtracking regular expression.
 */

export interface Glob {
  test(text: string): boolean;
}

// `*` any run of characters but `/`; `**` any run at all; `**/` nothing or any run ending in `/`; `?` one character but `/`
type Step =
  { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'star' } | { kind: 'globstar' } | { kind: 'dirs' };

function parse(pattern: string): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*' && pattern[i + 2] === '/') {
      steps.push({ kind: 'dirs' });
      i += 2;
    } else if (c === '*' && pattern[i + 1] === '*') {
      steps.push({ kind: 'globstar' });
      i++;
    } else if (c === '*') steps.push({ kind: 'star' });
    else if (c === '?') steps.push({ kind: 'one' });
    else steps.push({ kind: 'char', char: c });
  }
  return steps;
}

export function compileGlob(pattern: string): Glob {
  const steps = parse(pattern);
  const n = steps.length;
  // at[i]: the text so far matches steps before i; inDirs[i]: it is inside the run of the `**/` at step i, before its closing `/`
  const closure = (at: Uint8Array, inDirs: Uint8Array): void => {
    for (let i = 0; i < n; i++) {
      if (!at[i]) continue;
      const kind = steps[i].kind;
      if (kind === 'star' || kind === 'globstar' || kind === 'dirs') at[i + 1] = 1;
      if (kind === 'dirs') inDirs[i] = 1;
    }
  };
  return {
    test(text: string): boolean {
      let at = new Uint8Array(n + 1);
      let inDirs = new Uint8Array(n + 1);
      at[0] = 1;
      closure(at, inDirs);
      for (let t = 0; t < text.length; t++) {
        const c = text[t];
        const nextAt = new Uint8Array(n + 1);
        const nextInDirs = new Uint8Array(n + 1);
        let alive = false;
        for (let i = 0; i < n; i++) {
          const step = steps[i];
          if (inDirs[i]) {
            nextInDirs[i] = 1;
            if (c === '/') nextAt[i + 1] = 1;
            alive = true;
          }
          if (!at[i]) continue;
          if (step.kind === 'char' ? c === step.char : step.kind === 'one' ? c !== '/' : false) nextAt[i + 1] = 1;
          else if (step.kind === 'globstar' || (step.kind === 'star' && c !== '/')) nextAt[i] = 1;
          else continue;
          alive = true;
        }
        if (!alive) return false;
        closure(nextAt, nextInDirs);
        at = nextAt;
        inDirs = nextInDirs;
      }
      return at[n] === 1;
    },
  };
}
