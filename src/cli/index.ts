#!/usr/bin/env node
// The `switchboard` command line.
import { Command, type CommanderError } from 'commander';
import { clientKeysCommand } from './client-keys.js';
import { explainCommand } from './explain.js';
import { followCommand } from './follow.js';
import { EXIT } from './gateway-client.js';
import { keysCommand } from './keys.js';
import { modelsCommand } from './models.js';
import { requestsCommand } from './requests.js';
import { serveCommand } from './serve.js';
import { usageCommand } from './usage.js';
import { vaultCommand } from './vault.js';

const program = new Command()
  .name('switchboard')
  .description('An OpenAI-compatible LLM gateway: one endpoint in front of many providers')
  .version('0.1.0');
program.addCommand(serveCommand());
program.addCommand(keysCommand());
program.addCommand(clientKeysCommand());
program.addCommand(vaultCommand());
program.addCommand(usageCommand());
program.addCommand(requestsCommand());
program.addCommand(modelsCommand());
program.addCommand(explainCommand());
program.addCommand(followCommand());
usageErrorsExit(program);
await program.parseAsync(process.argv);

/**
 * Commander's own errors (an unknown option or command, a bad or missing argument) exit with EXIT.usage (2), as
 * shells' builtins do, rather than commander's 1, which scripts could not tell from a failure; help and --version 0.
 */
function usageErrorsExit(command: Command): void {
  command.exitOverride((err: CommanderError) => {
    process.exit(err.exitCode === 1 && err.code !== 'commander.error' ? EXIT.usage : err.exitCode);
  });
  for (const sub of command.commands) usageErrorsExit(sub);
}
