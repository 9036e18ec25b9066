import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpIamAuthorizer,
  HttpJwtAuthorizer,
  type HttpUserPoolAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AdminAuthSpec, FunctionSpec, HttpRoute, HttpSpec } from '../../topology.ts';
import { acknowledgeFinding } from '../nag.ts';
import { physicalName } from '../physical-names.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import type { ConsoleUsers } from './console-users.ts';
import type { Functions } from './functions.ts';

/**
 * Why the webhook routes have no authorizer (cdk-nag AwsSolutions-APIG4): platforms send no
 * AWS credentials. Each text says what protects the route instead, and nothing more.
 */
export const OPEN_POST_REASON =
  "Social platforms POST webhooks without AWS credentials or tokens, so no authorizer applies; the function authenticates every POST by the platform's HMAC signature over the raw body (constant-time compare) and answers 503, never 200, while the platform's secret lacks its signing key.";
export const OPEN_GET_REASON =
  "Social platforms send their GET verification handshakes without AWS credentials, so no authorizer applies. Only Meta's carries a verify token, which the function checks; X's CRC and LinkedIn's challenge carry none and are answered only for tokens of the platform's documented format (base64 text, a UUID), none of which is a body the POST side accepts, so the handshake signs nothing an attacker could post; YouTube's echo is answered only for the company's channel topics; TikTok and generic sources answer 405.";

export interface WebhookApiProps {
  readonly http: HttpSpec;
  readonly functions: readonly FunctionSpec[];
  readonly handlers: Functions;
  readonly logRetention: logs.RetentionDays;
  /** The stack's user pool, when the admin routes' authorizer is it (`admin.auth: cognito`). */
  readonly users?: ConsoleUsers;
  /** Give the API the topology's name (physical-names.ts); else it is named after the stack. */
  readonly legacyNames: boolean;
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
  PUT: apigw.HttpMethod.PUT,
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
      // An HTTP API needs a name, though not a unique one: the stack's own, unless legacyNames.
      apiName: physicalName(spec.name, props.legacyNames) ?? `${Stack.of(this).stackName}-api`,
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

    // The authorizer's name is unique within the API only: not an account-wide physical name.
    const adminAuthorizer = adminAuthorizerOf(spec.adminAuth, `${spec.name}-admin`, props.users);
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
          this.api.addRoutes({
            path: route.path,
            methods: [METHODS[route.method]],
            integration,
            authorizer: adminAuthorizer,
          });
          continue;
        }
        for (const added of this.api.addRoutes({ path: route.path, methods: [METHODS[route.method]], integration })) {
          acknowledgeFinding(
            added.node.defaultChild!,
            'AwsSolutions-APIG4',
            route.openReason ?? (route.method === 'GET' ? OPEN_GET_REASON : OPEN_POST_REASON),
          );
        }
        // Only webhook routes make the webhook base URL; an open route with its own reason is none.
        if (!route.openReason) paths.push(route.path);
      }
    }
    this.routePaths = paths;
  }

  /** The stage's base URL, ending with `/`. */
  get url(): string {
    return this.stage.url;
  }
}

/** The authorizer of the admin routes: the stack's user pool, the company's identity provider, or IAM without one. */
function adminAuthorizerOf(
  auth: AdminAuthSpec,
  name: string,
  users: ConsoleUsers | undefined,
): HttpJwtAuthorizer | HttpIamAuthorizer | HttpUserPoolAuthorizer {
  if (auth.type === 'iam') return new HttpIamAuthorizer();
  if (auth.type === 'cognito') {
    if (!users) throw new TopologyMismatchError('admin.auth is cognito, but the stack has no user pool');
    return users.authorizer(name);
  }
  return new HttpJwtAuthorizer('AdminAuthorizer', auth.issuer, {
    authorizerName: name,
    jwtAudience: [...auth.audience],
  });
}
