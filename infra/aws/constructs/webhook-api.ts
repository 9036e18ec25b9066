import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AdminAuthSpec, FunctionSpec, HttpRoute, HttpSpec } from '../../topology.ts';
import { acknowledgeFinding } from '../nag.ts';
import type { Functions } from './functions.ts';

export interface WebhookApiProps {
  readonly http: HttpSpec;
  readonly functions: readonly FunctionSpec[];
  readonly handlers: Functions;
  readonly logRetention: logs.RetentionDays;
}

/** One JSON line per request; HTTP API `$context` variables. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
};

const METHODS: Readonly<Record<HttpRoute['method'], apigw.HttpMethod>> = {
  GET: apigw.HttpMethod.GET,
  POST: apigw.HttpMethod.POST,
};

/**
 * The HTTP API: the routes of every function with an http trigger, on a throttled
 * `$default` stage that writes access logs. Webhook routes are open (the platforms sign
 * their bodies); admin routes (`auth: 'admin'`) need a JWT of the company's identity
 * provider, or AWS IAM credentials when the config names none.
 */
export class WebhookApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Paths of the open (webhook) routes, as the topology writes them; the admin routes are not among them. */
  readonly routePaths: readonly string[];

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    const spec = props.http;

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: spec.name,
      description: 'Webhooks and verification handshakes of the social platforms, and the admin API of the cases',
      // The stage is created below, with throttling and access logs.
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: spec.throttle.rateLimit, burstLimit: spec.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const adminAuthorizer = adminAuthorizerOf(spec.adminAuth, `${spec.name}-admin`);
    const paths: string[] = [];
    for (const fnSpec of props.functions) {
      const routes = fnSpec.triggers.flatMap((t) => (t.type === 'http' ? t.routes : []));
      if (routes.length === 0) continue;
      const integration = new HttpLambdaIntegration(
        `${fnSpec.id}-integration`,
        props.handlers.get(fnSpec.id, 'the HTTP API').function,
      );
      for (const route of routes) {
        if (route.auth === 'admin') {
          this.api.addRoutes({ path: route.path, methods: [METHODS[route.method]], integration, authorizer: adminAuthorizer });
          continue;
        }
        for (const added of this.api.addRoutes({ path: route.path, methods: [METHODS[route.method]], integration })) {
          acknowledgeFinding(
            added.node.defaultChild!,
            'AwsSolutions-APIG4',
            'Social platforms call these webhooks without AWS credentials or tokens; the function authenticates every POST by the platform\'s HMAC signature over the raw body (constant-time compare) and the GET handshake by the verify token.',
          );
        }
        paths.push(route.path);
      }
    }
    this.routePaths = paths;
  }

  /** The stage's base URL, ending with `/`. */
  get url(): string {
    return this.stage.url;
  }
}

/** The authorizer of the admin routes: the company's identity provider, or IAM without one. */
function adminAuthorizerOf(auth: AdminAuthSpec, name: string): HttpJwtAuthorizer | HttpIamAuthorizer {
  if (auth.type === 'iam') return new HttpIamAuthorizer();
  return new HttpJwtAuthorizer('AdminAuthorizer', auth.issuer, { authorizerName: name, jwtAudience: [...auth.audience] });
}
