// A `switchboard` with only the keys command, run as a child process by test/unit/cli/keys.test.ts (real stdin, exit
// codes).
import { Command } from 'commander';
import { keysCommand } from '../../src/cli/keys.js';

await new Command('switchboard').addCommand(keysCommand()).parseAsync(process.argv);
