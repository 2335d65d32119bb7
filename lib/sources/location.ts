/**
 * A deployed stack has no file: its findings and errors are located at `stack://<region>/<name>`, lines
 * referring to the template text as CloudFormation returned it. Reporters that need a file (SARIF, GitHub
 * annotations) recognise these locations here, without loading the AWS SDK.
 */

/** The start of every deployed stack's location. */
export const SCHEME = 'stack://';

/** `stack://eu-west-1/orders`; `stack://eu-west-1` for the region itself (listing its stacks). */
export function stackLocation(region: string | undefined, name?: string): string {
  const where = `${SCHEME}${region ?? 'unknown-region'}`;
  return name === undefined ? where : `${where}/${name}`;
}

/** True for a location made by {@link stackLocation}: a deployed stack, not a file. */
export function isStackLocation(file: string): boolean {
  return file.startsWith(SCHEME);
}
