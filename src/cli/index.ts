#!/usr/bin/env node
// The `switchboard` command line.
import { existsSync, readFileSync } from 'node:fs';
import { Command, type CommanderError } from 'commander';
import { agentCommand } from './agent.js';
import { askCommand } from './ask.js';
import { chatCommand } from './chat.js';
import { clientKeysCommand } from './client-keys.js';
import { explainCommand } from './explain.js';
import { followCommand } from './follow.js';
import { EXIT } from './gateway-client.js';
import { initCommand } from './init.js';
import { keysCommand } from './keys.js';
import { modelsCommand } from './models.js';
import { requestsCommand } from './requests.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { usageCommand } from './usage.js';
import { vaultCommand } from './vault.js';

const program = new Command()
  .name('switchboard')
  .description('An OpenAI-compatible LLM gateway: one endpoint in front of many providers')
  .version(packageVersion());
program.addCommand(initCommand());
program.addCommand(serveCommand());
program.addCommand(statusCommand());
program.addCommand(keysCommand());
program.addCommand(clientKeysCommand());
program.addCommand(agentCommand());
program.addCommand(vaultCommand());
program.addCommand(usageCommand());
program.addCommand(requestsCommand());
program.addCommand(modelsCommand());
program.addCommand(explainCommand());
program.addCommand(followCommand());
program.addCommand(chatCommand());
program.addCommand(askCommand());
program.addHelpText(
  'after',
  `
Commands that talk to a gateway read SWITCHBOARD_URL (its address, default http://127.0.0.1:8000), SWITCHBOARD_API_KEY
(a client key) and SWITCHBOARD_ADMIN_KEY (for what only the operator may see), or take --url, --key, --admin-key.
Exit status: 0 done, 1 failed, 2 bad usage, 69 no gateway answers, 77 key missing or refused, 70 a bug of ours.

Examples:
  $ npx switchboard init
  $ switchboard serve
  $ switchboard status --watch
  $ switchboard chat
  $ cat main.py | switchboard ask "review this"
  $ switchboard models --free
  $ switchboard usage --by model --since 7d
  $ switchboard follow my-run-1`,
);
// A reader that goes away (`switchboard ask ... | head -1`) ends the command quietly, as other command-line tools do,
// instead of an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});
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

/** The version in the package's package.json: two folders up from src/cli when run from source, three from dist. */
function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    const file = new URL(up, import.meta.url);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}
