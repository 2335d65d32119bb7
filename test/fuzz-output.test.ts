/**
 * The output checks of the fuzzing (scripts/fuzz/output.ts) catch what they are for, and accept a string
 * made inert in the ways a reporter may choose (entities, escapes, code spans), so that a failing fuzz case
 * shows a defect of a reporter and a passing one is not a check that cannot fail.
 */
import { CANARY, CANARY_LINE, CHECKS } from '../scripts/fuzz/output';

const holds = (format: string, output: string): void => CHECKS[format](output, false);

describe('the fuzzing output checks', () => {
  it.each([
    ['text', `a.yaml\n  4:5  error  Alarm New\n${CANARY_LINE} has no actions\n`, /added the line/],
    ['text', 'Alarm Esc\u001b[31mRed\n', /C0 control character or ESC/],
    ['text', 'Alarm Csi\u009b31m\n', /C1 control character/],
    ['text', 'Alarm Bidi\u202eevil\n', /bidirectional/],
    ['text', 'Alarm Ls\u2028x\n', /U\+2028/],
    ['github', `::error file=a.yaml,line=1,col=1::Alarm New\n${CANARY_LINE}\n`, /not one workflow command/],
    ['github', '::error file=a.yaml,line=1,col=1::Alarm Esc\u001b[31m\n', /ESC/],
    ['github', '::error file=a,b.yaml,line=1,col=1::x\n', /not one workflow command/],
    ['junit', '<?xml version="1.0"?>\n<testsuites><testcase name="Non\ufffe"/></testsuites>\n', /does not allow/],
    ['junit', '<?xml version="1.0"?>\n<testsuites><testcase name="&#1;"/></testsuites>\n', /character reference/],
    [
      'junit',
      `<?xml version="1.0"?>\n<testsuites><testcase name="x"><${CANARY}/></testcase></testsuites>\n`,
      /XML name/,
    ],
    ['junit', `<?xml version="1.0"?>\n<testsuites><testcase name="" ${CANARY}="1"/></testsuites>\n`, /XML name/],
    ['html', `<!doctype html><html><body><p>Alarm <${CANARY}></${CANARY}></p></body></html>`, /element/],
    ['html', `<!doctype html><html><body><p title="" ${CANARY}="1">x</p></body></html>`, /attribute/],
    ['html', '<!doctype html><html><body><p>a < b & c</p></body></html>', /starts no tag|character reference/],
    [
      'html',
      '<!doctype html><html><body><p>Esc &#x1b;[31m</p></body></html>',
      /character reference to a character HTML does not allow/,
    ],
    ['html', '<!doctype html><html><body><script>let a = 1;</script></p></body></html>', /closes nothing open/],
    ['markdown', `## Findings\n\n- \`a.yaml\`: Alarm New\n# ${CANARY_LINE}\n`, /added the line/],
    ['markdown', `- \`a.yaml\`: Alarm [x](https://${CANARY}.invalid)\n`, /link/],
    ['markdown', `- \`a.yaml\`: Alarm @${CANARY} here\n`, /mention/],
    ['markdown', `<details><summary>\`<${CANARY}>\`</summary>\n`, /HTML/],
  ])('%s: rejects %j', (format, output, why) => {
    expect(() => holds(format, output)).toThrow(why);
  });

  it.each([
    ['text', `a.yaml\n  4:5  error  Alarm New\\u000a${CANARY_LINE} Esc\\u001b[31m Bidi\\u202e\n`],
    ['github', `::error file=a%2Cb.yaml,line=1,col=1,title=x%3A y::Alarm New%0A${CANARY_LINE}\n`],
    [
      'junit',
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testcase name="&lt;${CANARY}&gt; &quot; ${CANARY}=&quot;1"><failure message="x">&lt;${CANARY}/&gt;</failure></testcase></testsuites>\n`,
    ],
    [
      'junit',
      `<?xml version="1.0"?>\n<testsuites><testcase name="x"><system-out><![CDATA[<${CANARY}/>]]></system-out></testcase></testsuites>\n`,
    ],
    [
      'html',
      `<!doctype html><html><head><script>if (a < b && c) x = "</p>";</script></head><body><p title="&quot; ${CANARY}=&quot;1">&lt;${CANARY}&gt; &amp; &#x2028; \\u001b <br></p></body></html>`,
    ],
    [
      'markdown',
      `## Findings\n\n- \`a.yaml\`: Alarm \\[x\\](https://${CANARY}.invalid) \`@${CANARY}\` \\@${CANARY}\n<details><summary>&lt;${CANARY}&gt; New ${CANARY_LINE}</summary>\n\n\`\`\`\n<${CANARY}>\n\`\`\`\n`,
    ],
  ])('%s: accepts %j', (format, output) => {
    expect(() => holds(format, output)).not.toThrow();
  });
});
