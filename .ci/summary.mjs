// Sums the packages' Vitest JSON reports: prints the MySQL tests that ran and the totals,
// and fails when the MySQL suite did not run or any test failed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: summary.mjs REPORT_DIR');

let passed = 0;
let failed = 0;
let skipped = 0;
let mysqlPassed = 0;
const perPackage = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  let p = 0;
  let f = 0;
  let s = 0;
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'passed') p += 1;
      else if (test.status === 'failed') f += 1;
      else s += 1;
      if (
        test.status === 'passed' &&
        /\[(?:[a-z]+\+)?mysql\]/.test(test.fullName ?? test.ancestorTitles?.join(' ') ?? '')
      ) {
        mysqlPassed += 1;
      }
    }
    // A file that failed to load has no assertion results but a failure message.
    if ((suite.assertionResults ?? []).length === 0 && suite.status === 'failed') f += 1;
  }
  perPackage.push(`  ${file.replace(/\.json$/, '').padEnd(10)} ${p} passed, ${f} failed, ${s} skipped`);
  passed += p;
  failed += f;
  skipped += s;
}
console.log(perPackage.join('\n'));
console.log(`MySQL tests run: ${mysqlPassed} passed`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (mysqlPassed === 0) {
  console.error('the MySQL suite did not run');
  process.exit(1);
}
if (failed > 0 || passed === 0) process.exit(1);
