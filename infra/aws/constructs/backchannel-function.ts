import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleAlias, LAMBDA_BUNDLE } from '../../bundling.ts';
import { lambdaApplicationLogLevel } from '../../lambda-observability.ts';
import type { FunctionSpec, ObservabilitySpec } from '../../topology.ts';
import { acknowledgeFinding, defaultPolicyOf } from '../nag.ts';
import { physicalName } from '../physical-names.ts';

/** The installed version of a package (its binary package is published at the same version). */
function versionOf(projectRoot: string, module: string): string {
  const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'node_modules', module, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

export interface BackchannelFunctionProps {
  readonly spec: FunctionSpec;
  /** Repository root: entries are relative to it and esbuild runs in it. */
  readonly projectRoot: string;
  /** Resolved environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  /** esbuild `define` replacements, for values too large for Lambda's 4 KB environment. */
  readonly define: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  /** POWERTOOLS_LOG_LEVEL of the function: Lambda's application log level is the same. */
  readonly logLevel: string;
  /** Lambda's log format, system log level and tracing (the topology's `observability`). */
  readonly observability: ObservabilitySpec;
  /** Folders copied beside the bundle (`to` relative to its root), e.g. the classifier's base corpus. */
  readonly assets?: readonly { readonly from: string; readonly to: string }[];
  /** Give the function the topology's name (physical-names.ts); else CloudFormation names it. */
  readonly legacyNames: boolean;
}

/**
 * One Lambda function the way Backchannel builds them all: Node.js 22 on arm64, bundled
 * locally by esbuild into one ESM file with the AWS SDK inside, its own log group in
 * Lambda's JSON log format (Lambda's own START/END/REPORT records left out), X-Ray tracing
 * when the company turns it on, and its own role that starts with nothing but writing that
 * log group (and traces, when traced).
 */
export class BackchannelFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BackchannelFunctionProps) {
    super(scope, id);
    const { spec } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // Operational logs expire anyway; cases and history live in the retained table.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: it may write this one log
    // group, not every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${spec.name}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      functionName: physicalName(spec.name, props.legacyNames),
      entry: path.join(props.projectRoot, spec.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      ...(spec.reservedConcurrency ? { reservedConcurrentExecutions: spec.reservedConcurrency } : {}),
      role: this.role,
      logGroup: this.logGroup,
      // Advanced logging controls: the records Lambda writes itself at INFO (START, END,
      // REPORT: 330+ bytes per invocation, their figures are in the AWS/Lambda metrics the
      // alarms read) are not ingested; its WARN records are. The application level equals
      // POWERTOOLS_LOG_LEVEL: under this format Powertools takes Lambda's level
      // (AWS_LAMBDA_LOG_LEVEL) over its own, and Lambda filters our JSON lines by `level`.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel[props.observability.systemLogLevel],
      applicationLogLevelV2: lambda.ApplicationLogLevel[lambdaApplicationLogLevel(props.logLevel)],
      // DISABLED leaves TracingConfig out of the template and the X-Ray actions out of the role.
      tracing: props.observability.tracing === 'active' ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: { ...props.environment },
      bundling: {
        forceDockerBundling: false,
        // The settings bench/bundles.ts and the bundle smoke test build with (infra/bundling.ts).
        format: OutputFormat.ESM,
        banner: LAMBDA_BUNDLE.banner,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        // The SDK is bundled, pinned by the lockfile, rather than taken from the runtime.
        bundleAwsSDK: true,
        externalModules: [],
        // Native modules are installed beside the bundle (npm, pinned by the lockfile), and
        // their Lambda binary after it: npm would pick the build machine's platform, so the
        // linux-arm64 package is installed with --force at the module's own version.
        ...(spec.nativeModules?.length
          ? {
              nodeModules: spec.nativeModules.map((m) => m.module),
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) =>
                  (spec.nativeModules ?? []).map(
                    (m) =>
                      `cd "${outputDir}" && npm install --no-save --force --no-audit --no-fund --no-package-lock ${m.lambdaBinary}@${versionOf(props.projectRoot, m.module)}`,
                  ),
              },
            }
          : {}),
        esbuildArgs: Object.fromEntries(
          Object.entries(bundleAlias(props.projectRoot, spec)).map(([name, to]) => [`--alias:${name}`, to]),
        ),
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: LAMBDA_BUNDLE.sourceMap,
        define: { ...props.define },
        ...(props.assets && props.assets.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                // Read at run time beside the code: `import.meta.dirname` of the bundle is its root.
                // A folder's content, or one file, lands in `to`.
                afterBundling: (inputDir: string, outputDir: string) =>
                  (props.assets ?? []).map((a) => {
                    const from = path.join(inputDir, a.from);
                    const to = path.join(outputDir, a.to);
                    return `mkdir -p "${to}" && if [ -d "${from}" ]; then cp -R "${from}/." "${to}/"; else cp "${from}" "${to}/"; fi`;
                  }),
              },
            }
          : {}),
      },
    });

    if (props.observability.tracing === 'active') {
      acknowledgeFinding(
        defaultPolicyOf(this.role),
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) supports no resource-level permissions; every other statement names its resource.',
      );
    }
    acknowledgeFinding(
      this.function.node.defaultChild!,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the project targets (DESIGN section 3/8: dependencies are checked against Node 20/22, Powertools and middy 6 pinned for it); moving to a newer runtime is a deliberate upgrade.',
    );
  }
}
