import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DailyReport, ReportRepository } from '../../domain/ports.ts';
import { queryAll } from './query-all.ts';
import { keys } from './keys.ts';

/** Stored daily summaries, one item per day and department. */
export class DynamoReportRepository implements ReportRepository {
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
}
