#!/usr/bin/env node
/** The `opslint` command, run from the TypeScript sources (the installed one is bin/launch.ts). */
import { runCli } from './cli';

runCli();
