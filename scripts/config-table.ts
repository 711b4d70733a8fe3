// Prints the README's configuration reference from the declared table (lib/config.ts):
// npx tsx scripts/config-table.ts. test/lib/config.test.ts fails when the README's copy differs.
// The package entry first: each module (the cache) declares its keys as it loads.
import '../lib/index';
import { CONFIG, CONFIG_KEYS } from '../lib/config';

export function configTable(): string {
  const rows = CONFIG_KEYS.map((key) => `| \`${key}\` | ${CONFIG[key].defaultText} | ${CONFIG[key].doc} |`);
  return ['| config | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

if (require.main === module) console.log(configTable());
