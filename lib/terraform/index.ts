/**
 * The Terraform side of cdk8s-edge: every cdktf import of the library is behind this
 * folder, so moving from cdktf (deprecated upstream) to a fork touches nothing else.
 */
export * from '../core/versions';
export * from './cluster-platform';
export * from './cloud-hub-options';
export * from './edge-cluster-stack';
export * from './cloud-hub-stack';
export * from './platform-from-site';
export * from './terraform-settings';
export * from './terraform-files';
export * from './namespace-ownership';
export * from './provider-lock';
export * from './terraform-inventory';
export * from './terraform-app';
