// `npm run db:reset`: deletes the local embedded cluster's data directory (not an external
// server's). The next `npm run dev` or `npm run db:setup` creates everything again.
import { existsSync, rmSync } from 'node:fs';
import { defaultDataDir } from '../local/stack';

if (process.env.DATABASE_URL) {
  console.error(
    'DATABASE_URL is set: db:reset only deletes the local embedded cluster. Unset it, or drop the *_demo databases on that server yourself.',
  );
  process.exit(1);
}
const dir = defaultDataDir();
if (existsSync(dir)) {
  rmSync(dir, { recursive: true, force: true });
  console.log(`deleted ${dir}`);
} else {
  console.log(`nothing to delete (${dir} does not exist)`);
}
