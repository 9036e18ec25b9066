/**
 * `backchannel settlement-format --down`: settles or frees the records claimed since w22, whose
 * settlement a release before cannot find, the step after a rollback past the settlement fence
 * (shared/adapters/dynamodb/settlement-format-rollback.ts).
 */
import { TABLE_OPTIONS_HELP, runFormatDown, type Command } from './shared.ts';

const USAGE = `Usage: backchannel settlement-format --down [--dry-run] [--company <id>]
       backchannel settlement-format --down --region <r> | --table <name> [--region <r>] [--dry-run]

Lifts the settlement fence of every mention record on a case claimed since round w22 (its
notification settled in its batch's tally item, which a release before cannot read, so it
refuses the record): a record that item settled is written complete, one it did not settle
whose claim's lease ran out is written without the fence. Run it after rolling back to a
release from before w22, then redrive the department DLQs. A record whose lease still runs
is left (a newer sender may still settle it): run the command again after a minute. Each
write is conditional on the record as read; one changed meanwhile is counted and left: run
the command again. Prints the counts.

Options:
  --down           lift the fence (required: the only direction; this release writes it
                   by itself)
  --dry-run        change nothing: count the fenced records
${TABLE_OPTIONS_HELP}
  -h, --help       show this help

Exit codes: 0 done, 1 some records in flight or changed meanwhile (run again) or failed, 2 usage error.`;

async function run(args: string[]): Promise<number> {
  return runFormatDown(args, 'settlement-format', USAGE, 'lift the fence', async (client, tableName, dryRun) => {
    const { liftSettlementFence } = await import('../../shared/adapters/dynamodb/settlement-format-rollback.ts');
    const outcome = await liftSettlementFence(client, tableName, { dryRun });
    const again = outcome.changed + outcome.inFlight;
    return {
      changed: again,
      line: dryRun
        ? `${outcome.found} records claimed since w22 in ${tableName} (dry run: nothing written).`
        : `${outcome.written} of ${outcome.found} records claimed since w22 in ${tableName} written without the fence ` +
          `(${outcome.settled} settled complete)` +
          `${outcome.inFlight > 0 ? `; ${outcome.inFlight} still leased` : ''}` +
          `${outcome.changed > 0 ? `; ${outcome.changed} changed meanwhile` : ''}` +
          `${again > 0 ? ': run again' : ''}.`,
    };
  });
}

export const settlementFormatCommand: Command = {
  summary: 'settle or free the records claimed since w22 (a rollback past the settlement fence)',
  usage: USAGE,
  run,
};
