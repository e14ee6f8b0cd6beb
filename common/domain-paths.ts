// The paths that make up a domain: what a team replaces to bring its own. Everything else is the toolkit, which names
// no domain (tests/toolkit/no-domain-names.test.ts); .github/CODEOWNERS gives the two to their own owners.

/** A folder ends in `/` and holds everything under it; `*` stands for any part of one file name, as in CODEOWNERS. */
export const DOMAIN_PATHS = ['schema/', 'policies/', 'modes/*.yaml', 'tests/policies/', 'local/demo/'] as const;

const MATCHERS = DOMAIN_PATHS.map(
  (pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}${pattern.endsWith('/') ? '' : '$'}`),
);

/** Whether a repository path (forward slashes, no leading `/`) belongs to the domain. */
export function isDomainPath(path: string): boolean {
  return MATCHERS.some((matcher) => matcher.test(path));
}
