import { describeEveryProcedure } from './every-procedure.test-helpers.js';

describeEveryProcedure('sqlite');
