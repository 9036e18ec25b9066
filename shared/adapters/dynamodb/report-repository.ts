import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DailyReport, ReportRepository } from '../../domain/ports.ts';
import type { ReportKind } from '../../domain/reports/period.ts';
import type { Report } from '../../domain/reports/report.ts';
import type { ReportStore } from '../../domain/reports/run-reports.ts';
import { queryAll } from './query-all.ts';
import { isConditionFailed, keys } from './keys.ts';

/**
 * Stored reports: the daily summaries (one item per day and department), the reports of
 * each period and audience, and the cursor of the last period whose reports all went out.
 */
export class DynamoReportRepository implements ReportRepository, ReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(report: DailyReport, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.dailyReport(report.day, report.department), type: 'daily-report', report, expiresAt },
      }),
    );
  }

  async dailyReports(day: string): Promise<DailyReport[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.dailyReports(day) },
    });
    return items.map((item) => item.report as DailyReport);
  }

  async putReport(report: Report, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.report(report.kind, report.period.id, report.audience),
          type: 'report',
          kind: report.kind,
          periodId: report.period.id,
          audience: report.audience,
          report,
          expiresAt,
        },
      }),
    );
  }

  async getReport(kind: ReportKind, periodId: string, audience: string): Promise<Report | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.report(kind, periodId, audience) }),
    );
    return Item?.report as Report | undefined;
  }

  async lastReported(kind: ReportKind): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.reportCursor(kind), ConsistentRead: true }),
    );
    return typeof Item?.periodId === 'string' ? Item.periodId : undefined;
  }

  /** Moves the cursor forward only (day and week ids sort as strings), so a late retry never moves it back. */
  async markReported(kind: ReportKind, periodId: string, at: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.reportCursor(kind), type: 'report-cursor', kind, periodId, updatedAt: at },
          ConditionExpression: 'attribute_not_exists(PK) OR periodId < :periodId',
          ExpressionAttributeValues: { ':periodId': periodId },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
}
