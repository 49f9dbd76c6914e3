// CI helper for the MySQL suite: `ping`, `create NAME`, `drop-prefix PREFIX`.
// Talks to the server in MYSQL_ADMIN_URL (default mysql://root@127.0.0.1:3306/).
import mysql from 'mysql2/promise';

const [command, name] = process.argv.slice(2);
const url = process.env.MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/';
const identifier = /^[A-Za-z0-9_]+$/;

async function main() {
  const conn = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
  try {
    if (command === 'ping') {
      await conn.query('SELECT 1');
    } else if (command === 'create' && name && identifier.test(name)) {
      await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } else if (command === 'drop-prefix' && name && identifier.test(name)) {
      const [rows] = await conn.query(
        'SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE ?',
        [`${name}%`],
      );
      for (const row of rows) await conn.query(`DROP DATABASE IF EXISTS \`${row.name}\``);
      console.log(`dropped ${rows.length} database(s) named ${name}*`);
    } else {
      throw new Error(`usage: mysql.mjs ping | create NAME | drop-prefix PREFIX (got ${command ?? 'nothing'})`);
    }
  } finally {
    await conn.end();
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
