/** Which stacks hold the account baseline: matched by stack name, artifact id, construct path or template file. */
import type { Stack } from '../assembly/model';

/** `*` matches within a path segment, `**` across segments; anything else literally. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function accountBaselineMatcher(patterns: readonly string[] | undefined): ((stack: Stack) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const res = patterns.map(globToRegExp);
  return (stack) => {
    const names = [stack.stackName, stack.id, stack.constructPath, stack.template.file].filter((n): n is string => n !== undefined);
    return names.some((n) => res.some((re) => re.test(n)));
  };
}
