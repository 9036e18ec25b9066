import { approvingDepartmentOf, standingOf } from './access-policy.ts';
import { actorOf, approveReply, transitionIdOf, type AdminRequest, type CaseAdminDeps } from './case-admin.ts';
import { changeCase, type ChangeCaseOutcome } from './change-case.ts';
import { NotFoundError } from './errors.ts';
import { isOwnerOf, ownerApprovalsOf } from './key-accounts.ts';

/**
 * Approves a reply as the approving department (case-admin.ts approveReply) or, where a rule
 * with `ownerApproval` matched a mention naming a key account, as that account's owner.
 *
 * The owner approves as owner when they cannot approve for the department, or when the
 * department's approval is given (or not needed) and the owner's is still missing. Anyone
 * else goes the department's way, whose access policy refuses them.
 *
 * @throws NotFoundError, ForbiddenError, ConflictError (no such draft, approved already, its author)
 */
export async function approveReplyAsDepartmentOrOwner(
  caseId: string,
  replyId: string,
  request: AdminRequest,
  deps: CaseAdminDeps,
): Promise<ChangeCaseOutcome> {
  const found = await deps.cases.get(caseId);
  if (!found) throw new NotFoundError(`case ${caseId} does not exist`);
  const owners = ownerApprovalsOf(deps.config, await deps.cases.mentionsOf(caseId));
  if (!isOwnerOf(owners, request.user)) return approveReply(caseId, replyId, request, deps);
  const standing = standingOf(deps.config, request.user);
  const forDepartment = standing.admin || standing.departments.has(approvingDepartmentOf(deps.config, found));
  const departmentDone = !found.requireApproval || found.reply?.approvedAt !== undefined;
  if (forDepartment && !(departmentDone && found.reply?.ownerApprovedAt === undefined))
    return approveReply(caseId, replyId, request, deps);
  return changeCase(
    caseId,
    { type: 'approve-reply', replyId, approverIsMember: true, as: 'owner' },
    { transitionId: transitionIdOf(request), actor: actorOf(request.user) },
    deps,
  );
}
