import { describe, expect, it } from 'vitest';
import { loadPolicyCatalog } from '../../policy-testing/policy-catalog.js';
import { comparePolicyCatalogs, lineDiff, modesOf } from '../../policy-testing/policy-changes.js';

const MODE_A = { path: 'modes/a.yaml', text: 'policies: [shared]\n' };
const MODE_B = { path: 'modes/b.yaml', text: 'policies: [shared, extra]\n' };

function catalog(policies: Record<string, string>, modes = [MODE_A, MODE_B]) {
  return loadPolicyCatalog({
    root: '/nowhere',
    schemaFiles: [],
    policyFiles: Object.entries(policies).map(([path, text]) => ({ path, text })),
    modeFiles: modes,
  });
}

const READ = '@id("read")\npermit (principal, action == Action::"read", resource);\n';
const LIMIT = '@id("limit")\nforbid (principal, action, resource)\nwhen { context.amount > 100 };\n';

describe('which policies a change touches', () => {
  it('names added, removed and modified policies by @id, sorted, with the modes holding each', () => {
    const before = catalog({ 'policies/shared/p.cedar': `${READ}\n${LIMIT}` });
    const after = catalog({
      'policies/shared/p.cedar': `${LIMIT.replace('> 100', '> 200')}`,
      'policies/extra/q.cedar': '@id("write")\npermit (principal, action == Action::"write", resource);\n',
    });
    const changes = comparePolicyCatalogs(before, after);
    expect(changes.map((change) => [change.kind, change.id])).toEqual([
      ['modified', 'limit'],
      ['removed', 'read'],
      ['added', 'write'],
    ]);
    const added = changes[2];
    expect(added?.kind === 'added' && added.after.modes).toEqual(['b']);
    expect(added?.kind === 'added' && added.after.location).toBe('policies/extra/q.cedar:1');
    const modified = changes[0];
    expect(modified && modesOf(modified)).toEqual(['a', 'b']);
    expect(modified?.kind === 'modified' && modified.textDiff.filter((line) => line.op !== ' ')).toEqual([
      { op: '-', text: 'when { context.amount > 100 };' },
      { op: '+', text: 'when { context.amount > 200 };' },
    ]);
  });

  it('does not count comments, layout or other annotations as a change: they cannot change a decision', () => {
    const before = catalog({ 'policies/shared/p.cedar': LIMIT });
    const after = catalog({
      'policies/shared/p.cedar':
        '@id("limit")\n@reviewed("yes")\nforbid (principal, action, resource)\n' + '  // large amounts\n  when { context.amount > 100 };\n',
    });
    expect(comparePolicyCatalogs(before, after)).toEqual([]);
  });

  it('reports a policy that moved into other modes when its text is the same', () => {
    const before = catalog({ 'policies/extra/q.cedar': READ });
    const after = catalog({ 'policies/extra/q.cedar': READ }, [MODE_A, { path: 'modes/b.yaml', text: 'policies: [shared]\n' }]);
    const [change] = comparePolicyCatalogs(before, after);
    expect(change?.kind).toBe('modes-changed');
    expect(change?.kind === 'modes-changed' && [change.before.modes, change.after.modes]).toEqual([['b'], []]);
  });

  it('diffs lines by longest common subsequence', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
  });
});
