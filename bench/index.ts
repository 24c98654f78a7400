/**
 * `npm run bench`: every benchmark, one after the other; `npm run bench -- ui` (or parser, source, findings, load, clusters) runs one.
 * Exits non-zero while any stated goal is missed.
 */
import { benchClusters } from './clusters';
import { benchParser } from './exposition';
import { benchFindings } from './findings';
import { benchLoad } from './load';
import { benchSourceRead } from './source-read';
import { benchUi } from './ui';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only && !['parser', 'source', 'findings', 'ui', 'load', 'clusters'].includes(only)) throw new Error(`unknown benchmark "${only}": parser, source, findings, ui, load or clusters`);
  const checks = [];
  if (!only || only === 'parser') checks.push(...benchParser().checks);
  if (!only || only === 'source') checks.push(...(await benchSourceRead()));
  if (!only || only === 'findings') checks.push(...(await benchFindings()));
  if (!only || only === 'ui') checks.push(...(await benchUi()));
  if (!only || only === 'load') checks.push(...(await benchLoad()));
  if (!only || only === 'clusters') checks.push(...(await benchClusters()));
  const missed = checks.filter((check) => !check.ok);
  console.log(missed.length === 0 ? '\nAll benchmark goals met.' : `\n${missed.length} benchmark goal(s) missed: ${missed.map((check) => check.goal).join('; ')}`);
  process.exitCode = missed.length === 0 ? 0 : 1;
}

void main();
