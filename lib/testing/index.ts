/** `opslint/testing`: what rule authors need to test their rules. */
export { RuleTester, runCase, loadCase, type ValidCase, type InvalidCase, type ExpectedFinding } from './rule-tester';
export { testPackFixtures } from './fixtures';
