/**
 * The command line's contract: `scan` and `fix` end with the same exit code for the same findings (one
 * `exitCode`), and every option is declared once, for the parser and for the option types alike.
 */
import { runCli } from './helpers/cli';
import { workspace } from './helpers/workspace';

// a pack with a rule that reports a queue and one that fails on it
const PACK = `module.exports = {
  id: 'team',
  rules: [
    { id: 'team/queue', title: 'Queues are reported', bestPractice: 'OPS10-BP01', severity: 'error', resourceTypes: ['AWS::SQS::Queue'],
      check(resource, ctx) { ctx.report({ message: 'A queue.', path: 'Type' }); } },
    { id: 'team/boom', title: 'Queues make this rule fail', bestPractice: 'OPS10-BP01', severity: 'error', resourceTypes: ['AWS::SQS::Queue'],
      check() { throw new Error('boom'); } },
  ],
};\n`;
const QUEUE = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n';

describe('exit codes of scan and fix', () => {
  const dir = workspace({ 'team.js': PACK, 'q.yaml': QUEUE });
  const run = (command: string, rule: string, failOn: string) => runCli([command, 'q.yaml', '--no-config', '--load-pack', './team.js', '--rule', rule, '--fail-on', failOn], { cwd: dir });

  it.each(['scan', 'fix'])('%s: a rule that failed left the template unchecked: 2, whatever --fail-on says', async (command) => {
    for (const failOn of ['error', 'none']) {
      const { code, stdout } = await run(command, 'team/boom', failOn);
      expect(stdout).toContain('Rule team/boom failed on resource Q: boom.');
      expect(code).toBe(2);
    }
  });

  it.each(['scan', 'fix'])('%s: a finding at or above --fail-on is 1, below it 0', async (command) => {
    expect((await run(command, 'team/queue', 'error')).code).toBe(1);
    expect((await run(command, 'team/queue', 'none')).code).toBe(0);
  });
});
