/** Who acts through the admin API (the console, the CLI): the person and the request. */

/** The person behind a request, as the identity provider (or the local token file) names them. */
export interface AdminUser {
  readonly sub: string;
  readonly email?: string;
  readonly name?: string;
  /**
   * The AWS account's operator: a caller the API Gateway IAM authorizer let in (SigV4-signed
   * with the account's credentials), or the local runtime's `admin` token, which stands for
   * those credentials on a laptop. Set only from the authorizer's IAM context, never from a
   * token's claims: an identity provider may let its users set claims of their own.
   */
  readonly operator?: boolean;
  /**
   * The person's groups in the stack's own Cognito user pool (the token's `cognito:groups`),
   * set only by the admin API when `admin.auth` is `cognito`: then every token comes from that
   * pool, whose groups only its admins assign. Only the groups the stack created give a role
   * (department-groups.ts).
   */
  readonly groups?: readonly string[];
}

/** Who asks, and the id of the request (API Gateway's `requestContext.requestId`). */
export interface AdminRequest {
  readonly user: AdminUser;
  readonly requestId: string;
}

/** The actor string of a person: `user:<email or sub>`. */
export function actorOf(user: AdminUser): string {
  return `user:${user.email ?? user.sub}`;
}
