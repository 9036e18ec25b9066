import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { NotifierConfigError } from './errors.ts';
import type { MailMessage, MailTransport } from './target-type.ts';

export interface SesMailTransportOptions {
  readonly client: SESv2Client;
  /**
   * The sender, an address or domain verified in Amazon SES: `notifications.from` of the
   * company config (the topology passes it as NOTIFY_FROM_EMAIL).
   */
  readonly from: string | undefined;
  /** An SES configuration set (event publishing, suppression), when the company uses one. */
  readonly configurationSetName?: string;
}

/**
 * Sends e-mail with Amazon SES (API v2, SendEmail with simple content: a text and an HTML
 * part, and inline images as attachments with `ContentDisposition: INLINE` and a
 * `ContentId`, so no raw MIME is built here). The SDK retries throttling and 5xx itself;
 * what still fails throws, and the delivery is tried again.
 */
export class SesMailTransport implements MailTransport {
  constructor(private readonly options: SesMailTransportOptions) {}

  /** @throws NotifierConfigError without a sender; the SDK's error when SES refuses */
  async send(message: MailMessage): Promise<void> {
    const from = this.options.from;
    if (!from)
      throw new NotifierConfigError(
        'no sender for e-mails: set notifications.from in the company config (an address verified in Amazon SES)',
      );
    await this.options.client.send(sendEmailCommand(from, message, this.options.configurationSetName));
  }
}

/** The SendEmail command of one e-mail; line breaks in the subject become spaces (no header injection). */
export function sendEmailCommand(from: string, email: MailMessage, configurationSetName?: string): SendEmailCommand {
  const images = email.inlineImages ?? [];
  return new SendEmailCommand({
    FromEmailAddress: from,
    Destination: { ToAddresses: [...email.to] },
    Content: {
      Simple: {
        Subject: { Data: email.subject.replace(/[\r\n]+/g, ' '), Charset: 'UTF-8' },
        Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        ...(images.length > 0
          ? {
              Attachments: images.map((image) => ({
                FileName: image.fileName,
                ContentType: image.contentType,
                ContentDisposition: 'INLINE' as const,
                ContentId: image.contentId,
                ContentTransferEncoding: 'BASE64' as const,
                ContentDescription: image.description,
                RawContent: image.content,
              })),
            }
          : {}),
      },
    },
    ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
    EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
  });
}
