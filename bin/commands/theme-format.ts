/**
 * `backchannel theme-format --down`: closes every theme's open day onto its theme day item and
 * writes the theme without it and its format fence, the step after a rollback to a release before w19
 * (shared/adapters/dynamodb/theme-format-rollback.ts).
 */
import { TABLE_OPTIONS_HELP, runFormatDown, type Command } from './shared.ts';

const USAGE = `Usage: backchannel theme-format --down [--dry-run] [--company <id>]
       backchannel theme-format --down --region <r> | --table <name> [--region <r>] [--dry-run]

Closes every theme's open day (its latest day's counts, kept in the theme item since round
w19) onto its theme day item and writes the theme without it, its lock back in \`version\`
(the theme's format fence lifted), so that a release from before w19 (whose theme writes the fence
refuses, and which reads only the day items) counts those days and writes the themes again: run it after
rolling back to such a release, then redrive the insights DLQ (a newer instance still running
opens a day again at its theme's next write). Each theme write is conditional on the lock it
read; a theme changed meanwhile is counted and left: run the command again. Prints the counts.

Options:
  --down           close the open days (required: the only direction; this release opens
                   them by itself)
  --dry-run        change nothing: count the themes written since w19
${TABLE_OPTIONS_HELP}
  -h, --help       show this help

Exit codes: 0 done, 1 some themes changed meanwhile (run again) or failed, 2 usage error.`;

async function run(args: string[]): Promise<number> {
  return runFormatDown(args, 'theme-format', USAGE, 'close the open days', async (client, tableName, dryRun) => {
    const { closeOpenDays } = await import('../../shared/adapters/dynamodb/theme-format-rollback.ts');
    const outcome = await closeOpenDays(client, tableName, { dryRun });
    return {
      changed: outcome.changed,
      line: dryRun
        ? `${outcome.found} themes written since w19 in ${tableName} (dry run: nothing written).`
        : `${outcome.closed} of ${outcome.found} themes written since w19 in ${tableName} closed` +
          `${outcome.changed > 0 ? `; ${outcome.changed} changed meanwhile: run again` : ''}.`,
    };
  });
}

export const themeFormatCommand: Command = {
  summary: "close every theme's open day onto its day item, lift the fence (a rollback past w19)",
  usage: USAGE,
  run,
};
