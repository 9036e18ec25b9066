/**
 * `backchannel case-format --down`: writes the cases of a newer format back in an older one,
 * the step of a rollback past the case's format fence (shared/adapters/dynamodb/case-format.ts).
 */
import { TABLE_OPTIONS_HELP, runFormatDown, type Command } from './shared.ts';

const USAGE = `Usage: backchannel case-format --down [--to 1|2] [--dry-run] [--company <id>]
       backchannel case-format --down [--to 1|2] --region <r> | --table <name> [--region <r>] [--dry-run]

Writes every case stored in a newer format back in an older one, so that a release from
before the format fence can write those cases again: run it after rolling back to such a
release (a newer instance still running upgrades a case again at its next change).
  format 1: the lock in version, the history a list (before round w14);
  format 2: the lock in lock2, the history packed (rounds w14-w21);
  format 3: the lock in lock3, the first cc department listed by the case's own index
            entry (GSI3) instead of a ref item (since round w22).
A case of format 3 gets its first cc department's ref item back. Each case write is
conditional on the lock it read; a case changed meanwhile is counted and left: run the
command again. Prints the counts.

Options:
  --down           convert to an older format (required: the only direction; this release
                   upgrades cases by itself)
  --to 1|2         the format to write: 1 (default; every earlier release reads it) or 2
                   (enough for a rollback to rounds w14-w21: only cases of format 3 are written)
  --dry-run        change nothing: count the cases to convert
${TABLE_OPTIONS_HELP}
  -h, --help       show this help

Exit codes: 0 done, 1 some cases changed meanwhile (run again) or failed, 2 usage error.`;

async function run(args: string[]): Promise<number> {
  return runFormatDown(
    args,
    'case-format',
    USAGE,
    'to an older format',
    async (client, tableName, dryRun, to) => {
      const target = to === '2' ? 2 : 1;
      const newer = target === 1 ? 'format 2 or 3' : 'format 3';
      const { downgradeCases } = await import('../../shared/adapters/dynamodb/case-format-rollback.ts');
      const outcome = await downgradeCases(client, tableName, { dryRun, to: target });
      return {
        changed: outcome.changed,
        line: dryRun
          ? `${outcome.found} cases of ${newer} in ${tableName} (dry run: nothing written).`
          : `${outcome.converted} of ${outcome.found} cases of ${newer} in ${tableName} written as format ${target}` +
            `${outcome.changed > 0 ? `; ${outcome.changed} changed meanwhile: run again` : ''}.`,
      };
    },
    ['1', '2'],
  );
}

export const caseFormatCommand: Command = {
  summary: 'write cases back in an older format (a rollback past the format fence)',
  usage: USAGE,
  run,
};
