/** Which stacks hold the account baseline: matched by stack name, artifact id, construct path or template file. */
import type { Stack } from '../assembly/model';
import { compileGlob } from '../util/glob';

export function accountBaselineMatcher(
  patterns: readonly string[] | undefined,
): ((stack: Stack) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const globs = patterns.map(compileGlob);
  return (stack) => {
    const names = [stack.stackName, stack.id, stack.constructPath, stack.template.file].filter(
      (n): n is string => n !== undefined,
    );
    return names.some((n) => globs.some((g) => g.test(n)));
  };
}
