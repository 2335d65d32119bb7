/**
 * `opslint lsp`: the language server (lib/lsp) on the process's standard input and output, which is what
 * editors start it with (`--stdio`). Loaded only by this command: vscode-languageserver stays out of the others.
 */
import { once } from 'node:events';
import { startServer } from '../lsp/server';

/** Serves until the client ends the session; the debounce from `OPSLINT_LSP_DEBOUNCE_MS`, in ms (the bench sets 0). */
export async function runLsp(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const debounceMs = env.OPSLINT_LSP_DEBOUNCE_MS ? Number(env.OPSLINT_LSP_DEBOUNCE_MS) : undefined;
  startServer(process.stdin, process.stdout, Number.isFinite(debounceMs) ? { debounceMs } : {});
  await once(process.stdin, 'end');
}
