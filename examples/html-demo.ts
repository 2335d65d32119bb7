/**
 * `npm run demo:html`: the HTML report of the demo, and a screenshot of it.
 *   1. `cdk synth` of the first draft of the demo CDK app (examples/cdk-app) into demo-output/cdk.out (synthesis
 *      fails on its OPS findings, as in `npm run demo`, and still writes the cloud assembly);
 *   2. `opslint scan examples/templates demo-output/cdk.out --format html --output demo-output/report.html`;
 *   3. the report opened in headless Chromium (Debian's `chromium`), its top saved as demo-output/report.png.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { main } from '../lib/cli';

const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(__dirname, '..');
const out = path.join(root, 'demo-output');
const assembly = path.join(out, 'cdk.out');
const html = path.join(out, 'report.html');
const png = path.join(out, 'report.png');
const print = (text: string): boolean => process.stdout.write(text);

async function demo(): Promise<number> {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`demo:html: ${CHROMIUM} not found; install Debian's chromium: apt-get install -y chromium\n`);
    return 1;
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  print('━━ 1. cdk synth of the demo CDK app (the first draft: synthesis fails on its OPS findings)\n');
  spawnSync('npx', ['cdk', 'synth', '--no-notices', '-q', '-o', assembly, '**'], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  if (!existsSync(path.join(assembly, 'manifest.json'))) {
    process.stderr.write('demo:html: cdk synth wrote no cloud assembly; run `npx cdk synth` to see why\n');
    return 1;
  }

  const args = [
    'scan',
    'examples/templates',
    path.relative(root, assembly),
    '--format',
    'html',
    '--output',
    path.relative(root, html),
    '--fail-on',
    'none',
  ];
  print(`━━ 2. opslint ${args.join(' ')}\n`);
  const code = await main(args, {
    stdout: print,
    stderr: (text) => process.stderr.write(text),
    cwd: root,
    env: process.env,
    isTTY: false,
  });
  if (code !== 0) return code;

  print('━━ 3. the report in headless Chromium\n');
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
    await page.goto(pathToFileURL(html).href);
    // the header and the scorecard of every question: what a reader sees first
    const overview = (await page.locator('#overview').boundingBox())!;
    await page.screenshot({
      path: png,
      clip: { x: 0, y: 0, width: 1280, height: Math.ceil(overview.y + overview.height) + 24 },
    });
  } finally {
    await browser.close();
  }
  print(`\nreport:     ${path.relative(process.cwd(), html)}\nscreenshot: ${path.relative(process.cwd(), png)}\n`);
  return 0;
}

demo().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`demo:html: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
