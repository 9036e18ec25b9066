import { Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { CognitoAuthSpec } from '../../topology.ts';
import { acknowledgeFinding } from '../nag.ts';
import { physicalName } from '../physical-names.ts';

export interface ConsoleUsersProps {
  readonly spec: CognitoAuthSpec;
  /** Give the pool and its client the topology's names (physical-names.ts); else CloudFormation names them. */
  readonly legacyNames: boolean;
}

/**
 * `admin.auth: cognito`: the people who sign in to the console and call the admin API.
 *
 * - a user pool without self sign-up (an admin invites each person), e-mail as the user name,
 *   TOTP required: a signed-in person can publish replies in the company's name;
 * - one group per department and role and `admins` (shared/domain/department-groups.ts): the
 *   pool writes a person's groups into `cognito:groups`, from which the access policy reads
 *   their roles;
 * - the console's app client: authorization code grant only (PKCE, which Cognito applies to
 *   every code request that carries a code_challenge), no client secret (a browser keeps none),
 *   no password flows, the callback and logout URLs of `admin.consoleUrl`;
 * - the hosted login's domain `<bc-company>-<account id>` (a prefix is unique per region);
 * - the HTTP API's JWT authorizer for this pool and client.
 */
export class ConsoleUsers extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly groups: readonly cognito.CfnUserPoolGroup[];

  constructor(scope: Construct, id: string, props: ConsoleUsersProps) {
    super(scope, id);
    const { spec } = props;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: physicalName(spec.userPoolName, props.legacyNames),
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Who works which department is data an admin has entered: a stack update must not lose it.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFinding(
      this.userPool,
      'AwsSolutions-COG8',
      "Threat protection (compromised-credential and adaptive sign-in checks) needs Cognito's Plus feature plan, priced per monthly active user; the pool has no self sign-up, requires TOTP and a 12-character password, and an admin can enable threat protection on the pool without a code change.",
    );

    this.groups = spec.groups.map(
      (group) =>
        new cognito.CfnUserPoolGroup(this, `Group-${group.name}`, {
          userPoolId: this.userPool.userPoolId,
          groupName: group.name,
          description: group.description,
          precedence: group.precedence,
        }),
    );

    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: physicalName(`${spec.userPoolName}-console`, props.legacyNames),
      generateSecret: false,
      // Only the hosted login: no password, SRP or custom flows from the browser.
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: spec.scopes.map((scope) => cognito.OAuthScope.custom(scope)),
        callbackUrls: [...spec.callbackUrls],
        logoutUrls: [...spec.logoutUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // Without ExplicitAuthFlows Cognito allows SRP and custom sign-in with the client id alone:
    // the console signs in only through the hosted login, and renews with its refresh token.
    (this.client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];

    // A fixed name (physical-names.ts): the hosted login's URL is the prefix, which has no generated form.
    this.domain = this.userPool.addDomain('LoginDomain', {
      cognitoDomain: { domainPrefix: Fn.join('-', [spec.domainPrefix, Aws.ACCOUNT_ID]) },
    });
  }

  /** The admin routes' authorizer: tokens this pool issued to the console's client. */
  authorizer(name: string): HttpUserPoolAuthorizer {
    return new HttpUserPoolAuthorizer('AdminAuthorizer', this.userPool, {
      authorizerName: name,
      userPoolClients: [this.client],
    });
  }

  /** The console's login settings (ConsoleLoginSchema) as JSON, resolved at deploy time. */
  consoleLoginJson(): string {
    return Stack.of(this).toJsonString({
      auth: 'cognito',
      issuer: this.userPool.userPoolProviderUrl,
      clientId: this.client.userPoolClientId,
      domainUrl: this.domain.baseUrl(),
    });
  }
}
