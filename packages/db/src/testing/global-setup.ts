/**
 * Vitest global setup for packages with database tests. It makes the run's folder
 * (templates, SQLite test databases, uploads; see run.ts) and removes it at the end with
 * the MySQL template databases of the run. It says once why the MySQL suite is skipped,
 * or, when it is to run, checks up front that the server answers, so that a missing
 * server fails the run with one clear line instead of a failure per suite.
 */
import mysql from 'mysql2/promise';
import { MYSQL_SKIP_REASON, mysqlTestUrl } from './databases.js';
import { endTestRun, startTestRun } from './run.js';

/** What the setup uses of Vitest's project (typed here: the sources that ship import nothing from Vitest). */
interface Project {
  onTestsRerun?(handler: () => Promise<void> | void): void;
}

export default async function setup(project?: Project): Promise<() => Promise<void>> {
  const url = mysqlTestUrl();
  if (!url) {
    console.log(MYSQL_SKIP_REASON);
  } else {
    const server = new URL(url);
    server.pathname = '/';
    try {
      const conn = await mysql.createConnection({ uri: server.toString(), connectTimeout: 5000 });
      await conn.end();
    } catch (error) {
      throw new Error(`MySQL suite required but ${server.host} did not answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  // The test workers start after the global setup and inherit its environment.
  let runDir = startTestRun();
  // In watch mode each rerun is a run of its own: its templates are built from the
  // schema and the seed as they are now.
  project?.onTestsRerun?.(async () => {
    await endTestRun(runDir);
    runDir = startTestRun();
  });
  return () => endTestRun(runDir);
}
