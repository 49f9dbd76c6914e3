import { packageTestConfig } from '../../vitest.base.ts';

export default packageTestConfig({ database: true, isolate: false });
