import { packageTestConfig } from '../../vitest.base.ts';

export default packageTestConfig({
  database: true,
  isolate: false,
  // The checks of every procedure take the longest (the MySQL file about 20 s).
  runFirst: ['src/app-router.mysql.test.ts', 'src/app-router.sqlite.test.ts'],
});
