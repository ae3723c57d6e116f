/** Chart.js's UMD build, read from node_modules to be inlined into the report. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * Returns chart.umd.min.js without its source-map comment, so a browser's developer
 * tools never try to fetch the map from disk or the network.
 */
export function chartJsSource(): string {
  if (cached === undefined) {
    const entry = createRequire(import.meta.url).resolve('chart.js');
    const source = readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
    cached = source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    // The script is inlined in a <script> element, which this text would end early.
    if (/<\/script/i.test(cached)) throw new Error('chart.umd.min.js contains "</script", which cannot be inlined');
  }
  return cached;
}
