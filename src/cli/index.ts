#!/usr/bin/env node
// The `switchboard` command line.
import { Command } from 'commander';
import { askCommand } from './ask.js';
import { chatCommand } from './chat.js';
import { clientKeysCommand } from './client-keys.js';
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
await program.parseAsync(process.argv);
