/**
 * What counts as a reason for a suppression or an acknowledgement (lib/engine/suppress.ts): long enough, and not a
 * placeholder left to fill in later.
 */
import { isPlaceholderReason, isReason, PLACEHOLDER_REASON } from '../lib/engine/suppress';

describe('a placeholder for a reason', () => {
  it('is TODO, FIXME, TBD or XXX at the start, in any case, followed by anything but a letter, or the editor placeholder', () => {
    for (const reason of [
      'TODO',
      'todo: say why',
      '  ToDo - ask the owner of the stack',
      'FIXME(alice) once the mesh traces',
      'tbd',
      'TBD.',
      'XXX: temporary',
      'xxx',
      PLACEHOLDER_REASON,
      ` ${PLACEHOLDER_REASON} `,
    ])
      expect([reason, isPlaceholderReason(reason)]).toEqual([reason, true]);
  });

  it('is not a reason that starts with those letters as a word of its own, or mentions them later', () => {
    for (const reason of [
      'Todos are traced by the caller',
      'Tbdx is a legacy service, traced elsewhere',
      'xxxlarge instances are exempt here',
      'TODOé', // a letter, not ASCII
      'Traced by the mesh; TODO list cleared',
      '<write why the mesh traces it>',
    ])
      expect([reason, isPlaceholderReason(reason)]).toEqual([reason, false]);
  });

  it('is no reason, however long; a reason needs the minimum length too', () => {
    expect(isReason('TODO: replace with why this finding is accepted here', 10)).toBe(false);
    expect(isReason('Traced by the mesh', 10)).toBe(true);
    expect(isReason('  Traced  ', 10)).toBe(false);
    expect(isReason('Traced by the mesh', 40)).toBe(false);
  });
});
