#!/usr/bin/env node
// The `switchboard` command line.
import { Command } from 'commander';
import { askCommand } from './ask.js';
import { chatCommand } from './chat.js';
import { clientKeysCommand } from './client-keys.js';
import { EXIT } from './gateway-client.js';
import { keysCommand } from './keys.js';
import { serveCommand } from './serve.js';
import { vaultCommand } from './vault.js';

const program = new Command()
  .name('switchboard')
  .description('An OpenAI-compatible LLM gateway: one endpoint in front of many providers')
  .version('0.1.0');
program.addCommand(serveCommand());
program.addCommand(keysCommand());
program.addCommand(clientKeysCommand());
program.addCommand(vaultCommand());
program.addCommand(chatCommand());
program.addCommand(askCommand());
// A reader that goes away (`switchboard ask ... | head -1`) ends the command quietly, as other command-line tools do,
// instead of an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});
usageErrorsExit2(program);
await program.parseAsync(process.argv);

/**
 * Bad arguments (an unknown option, a value not among the choices, a missing argument) exit with EXIT.usage, 2, as
 * scripts expect of command-line tools; commander's own code is 1, the code of a failed request. Help and --version
 * keep their 0. Set on every command: commander does not pass it down to commands added with addCommand.
 */
function usageErrorsExit2(command: Command): void {
  command.exitOverride((err) => process.exit(err.exitCode === 1 ? EXIT.usage : err.exitCode));
  for (const sub of command.commands) usageErrorsExit2(sub);
}
