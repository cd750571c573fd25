/** Rules for Kubernetes names and label syntax, with the words used in error messages. */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const DNS1123_LABEL_RULE = "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** Why `value` is not a DNS-1123 label (names of sites, nodes, namespaces, workloads), or undefined. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length <= 63 && DNS1123_LABEL.test(value)) return undefined;
  return `"${value}" is not a DNS-1123 label (${DNS1123_LABEL_RULE})`;
}

/** Why `value` is not a DNS-1123 subdomain (node names, registry hosts), or undefined. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length <= 253 && DNS1123_SUBDOMAIN.test(value)) return undefined;
  return `"${value}" is not a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)`;
}

/** Why `key` is not a valid label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && dns1123SubdomainProblem(prefix)) {
    return `label key "${key}" has an invalid prefix (must be a DNS-1123 subdomain)`;
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return `label key "${key}" is invalid (name part: alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric, at most 63 characters)`;
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '' || (value.length <= 63 && LABEL_NAME.test(value))) return undefined;
  return `label value "${value}" is invalid (empty, or alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric, at most 63 characters)`;
}

/** Why `value` is not a valid container port name (IANA_SVC_NAME), or undefined. */
export function portNameProblem(value: string): string | undefined {
  if (value.length <= 15 && IANA_SVC_NAME.test(value) && /[a-z]/.test(value) && !value.includes('--')) return undefined;
  return `"${value}" is not a valid port name (lowercase letters, digits and '-', at least one letter, no '--', at most 15 characters)`;
}
