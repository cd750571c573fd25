import { parseInventory, validateInventory } from '../../lib';
import { rawInventory } from '../support/fixtures';

function problemsOf(raw: unknown): string[] {
  return validateInventory(raw).problems.map((p) => `${p.path}: ${p.message}`);
}

const secret = { kind: 'Secret', namespace: 'apps', name: 'api-token', reason: 'issued by the fleet vault' };

describe('prerequisites', () => {
  test('WHEN a site and the fleet defaults declare prerequisites THEN the site has both, the site\'s entry replacing the default\'s for one object', () => {
    const crd = { kind: 'CustomResourceDefinition', name: 'widgets.example.com', reason: 'team X runs the widget controller' };
    const raw = rawInventory({ prerequisites: [{ ...secret, reason: 'the site\'s own vault' }] }, { defaults: { prerequisites: [crd, secret] } });
    expect(parseInventory(raw).sites[0].prerequisites).toEqual([crd, { ...secret, reason: 'the site\'s own vault' }]);
  });

  test('WHEN a site declares none THEN its spec has no prerequisites', () => {
    expect(parseInventory(rawInventory()).sites[0].prerequisites).toBeUndefined();
  });

  test.each([
    ['not a list', { prerequisites: { kind: 'Secret' } }, 'sites[0].prerequisites: must be a list of { kind, name, namespace, reason }'],
    ['no reason', { prerequisites: [{ kind: 'Secret', name: 'x' }] }, 'sites[0].prerequisites[0].reason: is required: why the object exists and who provides it'],
    ['an empty reason', { prerequisites: [{ ...secret, reason: ' ' }] }, 'sites[0].prerequisites[0].reason: must say why the object exists and who provides it'],
    ['a lower-case kind', { prerequisites: [{ ...secret, kind: 'secret' }] }, 'sites[0].prerequisites[0].kind: "secret" is not a Kubernetes kind (UpperCamelCase, e.g. Secret)'],
    ['a bad name', { prerequisites: [{ ...secret, name: 'API Token' }] }, 'sites[0].prerequisites[0].name: "API Token" is not an object name (lower-case letters, digits, \'-\', \'.\', \':\')'],
    ['an unknown key', { prerequisites: [{ ...secret, owner: 'x' }] }, 'sites[0].prerequisites[0].owner: unknown key; allowed keys here: kind, name, namespace, reason'],
  ])('WHEN a prerequisite has %s THEN the problem is reported at its path', (_what, site, message) => {
    expect(problemsOf(rawInventory(site))).toContain(message);
  });

  test('WHEN a fleet default prerequisite is wrong THEN it is reported once, at the default', () => {
    const [siteA] = rawInventory().sites as Record<string, unknown>[];
    const raw = { defaults: { prerequisites: [{ kind: 'Secret', name: 'x' }] }, sites: [siteA, { ...siteA, name: 'site-b' }] };
    expect(problemsOf(raw).filter((p) => p.includes('reason'))).toEqual(['defaults.prerequisites[0].reason: is required: why the object exists and who provides it']);
  });
});
