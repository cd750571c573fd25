import { accessSync, constants, statSync } from 'node:fs';

/**
 * Why an inventory path cannot be read, in one line that names the path, or undefined when it
 * is a readable file. Checked before reading, so a wrong path never ends in a stack trace.
 */
export function inventoryFileProblem(path: string): string | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return `inventory ${path}: no such file`;
  if (stat.isDirectory()) return `inventory ${path}: is a folder, not an inventory file (give the YAML file, e.g. ${path.replace(/\/+$/, '')}/fleet.yaml)`;
  if (!stat.isFile()) return `inventory ${path}: is not a regular file`;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return `inventory ${path}: permission denied`;
  }
  return undefined;
}
