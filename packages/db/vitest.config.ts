import { packageTestConfig } from '../../vitest.base.ts';

export default packageTestConfig({ typecheck: true, database: true });
