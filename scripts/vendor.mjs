// Copies the browser libraries we serve from our own origin out of node_modules (pinned in
// package.json) into public/vendor/, which is generated and not committed.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public', 'vendor');
mkdirSync(out, { recursive: true });
for (const [from, to] of [
  ['node_modules/htmx.org/dist/htmx.min.js', 'htmx.min.js'],
  ['node_modules/chart.js/dist/chart.umd.min.js', 'chart.umd.min.js'],
]) {
  copyFileSync(join(root, from), join(out, to));
}
