/**
 * Given to each scan worker thread as its first argument (`process.argv[2]`). The command's launcher is also
 * the workers' entry (bin/launch.ts): this tells them from the main thread without loading `node:worker_threads`,
 * which every start of the command would pay for.
 */
export const WORKER_ARGUMENT = '--opslint-scan-worker';

/** Whether this thread is a scan worker (the argument alone could be typed by a user: the thread is asked then). */
export function isScanWorker(): boolean {
  return (
    process.argv[2] === WORKER_ARGUMENT &&
    !(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread
  );
}
