#!/usr/bin/env node
// The `switchboard` command line.
import { Command } from 'commander';
import { agentCommand } from './agent.js';
import { clientKeysCommand } from './client-keys.js';
import { initCommand } from './init.js';
import { keysCommand } from './keys.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { vaultCommand } from './vault.js';

const program = new Command()
  .name('switchboard')
  .description('An OpenAI-compatible LLM gateway: one endpoint in front of many providers')
  .version('0.1.0');
program.addCommand(initCommand());
program.addCommand(serveCommand());
program.addCommand(statusCommand());
program.addCommand(keysCommand());
program.addCommand(clientKeysCommand());
program.addCommand(agentCommand());
program.addCommand(vaultCommand());
await program.parseAsync(process.argv);
