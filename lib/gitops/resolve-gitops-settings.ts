import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import type { GitOpsSettings, ResolvedGitOpsSettings } from './gitops-settings';
import { readGitOpsSettings } from './private/read-gitops-settings';

/**
 * Validates GitOps settings written in code and applies the defaults, with the same
 * rules as the inventory's `gitops:` block; throws an EdgeValidationError listing every
 * problem under `path`.
 */
export function resolveGitOpsSettings(settings: GitOpsSettings, path = 'gitops'): ResolvedGitOpsSettings {
  const problems = new Problems();
  const resolved = readGitOpsSettings(settings, path, problems);
  throwIfProblems(problems, 'The GitOps settings are invalid');
  return resolved!;
}
