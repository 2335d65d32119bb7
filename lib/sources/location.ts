/**
 * A deployed stack has no file: its findings and errors are located at `stack://<region>/<name>`, lines
 * referring to the template text as CloudFormation returned it (a URI of the source's own scheme, which
 * reporters tell from a file by `locationUri`).
 */

/** `stack://eu-west-1/orders`; `stack://eu-west-1` for the region itself (listing its stacks). */
export function stackLocation(region: string | undefined, name?: string): string {
  const where = `stack://${region ?? 'unknown-region'}`;
  return name === undefined ? where : `${where}/${name}`;
}
