/** The `fanin` command line. Uses only the public API. */
import { Command } from 'commander';
import { info } from '../index.js';
import { registerStudy } from './study.js';

const program = new Command();
program.name('fanin').description('Weight initialization and deep-network training for Node.js');

program
  .command('info')
  .description('version, backend in use, binary path, ISA chosen, threads')
  .option('--json', 'print JSON')
  .action((opts: { json?: boolean }) => {
    const i = info();
    if (opts.json) {
      console.log(JSON.stringify(i, null, 2));
      return;
    }
    for (const [k, v] of Object.entries(i)) console.log(`${k.padEnd(11)} ${v ?? '-'}`);
  });

registerStudy(program);

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`fanin: ${err.message}`);
  process.exitCode = 1;
});
