import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/aws/build-app.ts';
import { ADMIN_API_ROUTES, buildTopology, CONSOLE_CONFIG_ROUTE, type Topology } from '../../infra/topology.ts';
import { loadCompanyConfig } from '../../shared/config/load.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { logicalId, permissionsOf, ref, resourceOf, synthCompany, type SynthesizedCompany } from './synth.ts';

/**
 * `admin.auth: cognito` (companies/manufacturer.yaml): the stack's user pool, its groups, the
 * console's app client, the hosted login's domain, the admin routes' JWT authorizer, and the
 * console config route that tells the console all of it. One synthesis serves every test.
 */
let config: CompanyConfig;
let topology: Topology;
let synth: SynthesizedCompany;

beforeAll(async () => {
  config = await loadCompanyConfig('manufacturer', PROJECT_ROOT);
  topology = buildTopology(config);
  synth = synthCompany(config);
});

afterAll(() => synth?.dispose());

const CONSOLE_URL = 'https://cases.kessler-antriebe.example/console';

describe('the console users of admin.auth: cognito', () => {
  it('creates a user pool nobody can sign up to, with e-mail sign-in, TOTP required and a strong password', () => {
    synth.template.resourceCountIs('AWS::Cognito::UserPool', 1);
    synth.template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        // CloudFormation names the pool: a retained pool must not block deploying the stack again.
        UserPoolName: Match.absent(),
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        DeletionProtection: 'ACTIVE',
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      }),
    });
  });

  it('creates admins and a lead and a member group for every department of the config, and no other group', () => {
    const groups = Object.values(synth.template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => (g as { Properties: { GroupName: string; UserPoolId: unknown } }).Properties,
    );

    expect(groups.map((g) => g.GroupName).sort()).toEqual(
      ['admins', ...config.departments.flatMap((d) => [`${d.id}-lead`, `${d.id}-member`])].sort(),
    );
    for (const group of groups) expect(group.UserPoolId).toEqual(ref(synth.stack.users!.userPool));
  });

  it('gives the console a public app client: authorization code grant only, no secret, no password flows, the URLs of admin.consoleUrl', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: ref(synth.stack.users!.userPool),
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      CallbackURLs: [`${CONSOLE_URL}/callback`],
      LogoutURLs: [`${CONSOLE_URL}/`],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it("gives the hosted login a domain of the company's prefix and the account id", () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['-', ['bc-manufacturer', { Ref: 'AWS::AccountId' }]] },
      UserPoolId: ref(synth.stack.users!.userPool),
    });
  });

  it("authorizes every admin route with a JWT authorizer of the pool's issuer and the console's client", () => {
    const authorizers = synth.template.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(Object.keys(authorizers)).toHaveLength(1);
    const [authorizerId, authorizer] = Object.entries(authorizers)[0] as [
      string,
      { Properties: { AuthorizerType: string; JwtConfiguration: { Audience: unknown[]; Issuer: unknown } } },
    ];
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual([ref(synth.stack.users!.client)]);
    expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer)).toContain(
      logicalId(synth.stack.users!.userPool),
    );
    const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as { Properties: { RouteKey: string; AuthorizationType: string; AuthorizerId?: unknown } }).Properties,
    );
    for (const route of ADMIN_API_ROUTES) {
      expect(routes.find((r) => r.RouteKey === `${route.method} ${route.path}`)).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  it('serves GET /console/config.json without an authorizer from a function that may touch nothing', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: `GET ${CONSOLE_CONFIG_ROUTE.path}`,
      AuthorizationType: 'NONE',
    });
    const consoleConfig = synth.stack.functions.get('console-config', 'test');
    const granted = permissionsOf(synth.template, consoleConfig.role).map((p) => p.action);

    expect(granted.filter((action) => !/^(xray|logs):/.test(action))).toEqual([]);
  });

  it("tells the console function the pool's issuer, the client id and the login domain (no secret: the client has none)", () => {
    const env = resourceOf<{ Environment: { Variables: Record<string, unknown> } }>(
      synth,
      synth.stack.functions.get('console-config', 'test').function,
    ).Properties.Environment.Variables;
    const login = JSON.stringify(env.CONSOLE_LOGIN);

    expect(login).toContain('\\"auth\\":\\"cognito\\"');
    expect(login).toContain(logicalId(synth.stack.users!.client));
    expect(login).toContain(logicalId(synth.stack.users!.domain));
    expect(login).not.toMatch(/secret/i);
  });

  it('has the same console config route in the topology that the local runtime serves', () => {
    const routes = topology.functions.flatMap((f) =>
      f.triggers.flatMap((t) => (t.type === 'http' ? t.routes.map((r) => ({ fn: f.id, ...r })) : [])),
    );

    expect(routes.filter((r) => r.path === '/console/config.json')).toEqual([
      { fn: 'console-config', ...CONSOLE_CONFIG_ROUTE },
    ]);
  });

  it('leaves no unacknowledged cdk-nag or CloudFormation validation finding', () => {
    expect(
      synth.violations.map(
        (v) =>
          `${v.pluginName} ${v.severity} ${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });
});
