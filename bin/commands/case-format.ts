/**
 * `backchannel case-format --down`: writes the cases of format 2 back as format 1, the step
 * of a rollback past the case's format fence (shared/adapters/dynamodb/case-format.ts).
 */
import { TABLE_OPTIONS_HELP, runFormatDown, type Command } from './shared.ts';

const USAGE = `Usage: backchannel case-format --down [--dry-run] [--company <id>]
       backchannel case-format --down --region <r> | --table <name> [--region <r>] [--dry-run]

Writes every case stored in format 2 (the lock in lock2, the history packed, since round
w14) back in format 1 (the lock in version, the history a list), so that a release from
before the format fence can write those cases again: run it after rolling back to such a
release (a newer instance still running upgrades a case again at its next change). Each
write is conditional on the lock it read; a case changed meanwhile is counted and left:
run the command again. Prints the counts.

Options:
  --down           convert to format 1 (required: the only direction; this release
                   upgrades cases by itself)
  --dry-run        change nothing: count the cases of format 2
${TABLE_OPTIONS_HELP}
  -h, --help       show this help

Exit codes: 0 done, 1 some cases changed meanwhile (run again) or failed, 2 usage error.`;

async function run(args: string[]): Promise<number> {
  return runFormatDown(args, 'case-format', USAGE, 'format 2 to format 1', async (client, tableName, dryRun) => {
    const { downgradeCases } = await import('../../shared/adapters/dynamodb/case-format-rollback.ts');
    const outcome = await downgradeCases(client, tableName, { dryRun });
    return {
      changed: outcome.changed,
      line: dryRun
        ? `${outcome.found} cases of format 2 in ${tableName} (dry run: nothing written).`
        : `${outcome.converted} of ${outcome.found} cases of format 2 in ${tableName} written as format 1` +
          `${outcome.changed > 0 ? `; ${outcome.changed} changed meanwhile: run again` : ''}.`,
    };
  });
}

export const caseFormatCommand: Command = {
  summary: 'write format-2 cases back as format 1 (a rollback past the format fence)',
  usage: USAGE,
  run,
};
