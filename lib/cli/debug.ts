/** What `--debug` shows on stderr: stacks, each line printable (a stack quotes the message it was thrown with). */
import { printable } from '../reporters/escape';

/** The stack of an error, or its message when it has none. */
export function debugStack(error: Error | string): string {
  const text = typeof error === 'string' ? error : (error.stack ?? `${error.name}: ${error.message}`);
  return text
    .split('\n')
    .map((line) => printable(line))
    .join('\n');
}
