/**
 * The layers of Backchannel, checked by `npm test` (issue 16). See docs/ARCHITECTURE.md
 * for what each layer is; each rule's comment says why it exists.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes load order matter and ties modules that should change apart; type-only imports are erased and do not count.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'domain-imports-only-domain',
      severity: 'error',
      comment:
        'shared/domain is pure: it imports only the domain, zod (its event and mention schemas) and pure node built-ins. Config-derived policies come in as values; adapters implement its ports.',
      from: { path: '^shared/domain/' },
      to: {
        pathNot: ['^shared/domain/', '^node_modules/zod/', '^node:crypto$', '^crypto$'],
      },
    },
    {
      name: 'functions-import-no-infra-but-constants',
      severity: 'error',
      comment:
        'A function bundle carries only what it runs: the topology itself (every platform adapter, every queue) stays out; its shared names live in infra/topology-constants.ts.',
      from: { path: '^functions/' },
      to: { path: '^infra/', pathNot: '^infra/topology-constants[.]ts$' },
    },
    {
      name: 'shared-imports-no-infra-but-constants',
      severity: 'error',
      comment:
        'shared/ is bundled into functions, so the same holds for it: only the topology constants, never the topology.',
      from: { path: '^shared/' },
      to: { path: '^infra/', pathNot: '^infra/topology-constants[.]ts$' },
    },
    {
      name: 'adapters-never-import-functions',
      severity: 'error',
      comment: 'Adapters are used by functions, never the other way round.',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'ports-live-in-the-domain',
      severity: 'error',
      comment:
        'Port interfaces are owned by the domain (shared/domain/ports.ts and friends); a ports module elsewhere splits the contract.',
      from: {},
      to: { path: '(^|/)ports?([.]ts$|/)', pathNot: '^shared/domain/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that does not resolve fails at run time. `aws-lambda` is exempt: it is types only (@types/aws-lambda), imported with `import type`.',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk[.]out|[.]backchannel|dist)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
