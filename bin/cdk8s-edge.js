#!/usr/bin/env node
// The cdk8s-edge CLI. In an installed package it runs the compiled library; in a
// checkout of the repository (no compiled files) it runs the TypeScript sources.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'lib', 'cli', 'main.js');
if (!existsSync(compiled)) require('ts-node').register({ transpileOnly: true });
const { main } = require(existsSync(compiled) ? compiled : join(__dirname, '..', 'lib', 'cli', 'main.ts'));
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
