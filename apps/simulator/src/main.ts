import { formatMessageTable } from './message-table.js';

process.stdout.write(`VMC serial protocol messages\n\n${formatMessageTable()}\n`);
