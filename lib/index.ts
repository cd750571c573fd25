// The public API of cdk8s-edge. Everything a user imports comes from here.
export * from './site/tier';
export * from './site/placement';
export * from './site/site-spec';
export * from './site/site-components';
export * from './site/inventory';
export * from './site/validation-error';
export * from './site/priority-classes';
export * from './site/site-namespace';
export * from './site/edge-app';
export * from './site/edge-site';
export * from './site/edge-fleet';
export * from './node/capacity';
export * from './node/micro-edge-node';
export * from './security/pod-defaults';
export * from './policy/pod-security';
