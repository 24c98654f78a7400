/** `npm run bench`: every benchmark, one after the other; exits non-zero while any stated goal is missed. */
import { benchParser } from './exposition';
import { benchFindings } from './findings';

async function main(): Promise<void> {
  const { checks } = benchParser();
  await benchFindings();
  const missed = checks.filter((check) => !check.ok);
  console.log(missed.length === 0 ? '\nAll benchmark goals met.' : `\n${missed.length} benchmark goal(s) missed: ${missed.map((check) => check.goal).join('; ')}`);
  process.exitCode = missed.length === 0 ? 0 : 1;
}

void main();
