import nodemailer from "nodemailer";
import type { Logger } from "pino";

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Email through `SMTP_URL` (nodemailer), or — without one — written to the log, so a
 * development install still shows what would have been sent. Callers put no secret in a mail.
 */
export function createMailer(opts: { smtpUrl?: string; from: string; log: Logger }): Mailer {
  const transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
  return {
    async send(mail) {
      if (!transport) {
        opts.log.info({ mail: { to: mail.to, subject: mail.subject, text: mail.text } }, "email (no SMTP_URL: logged, not sent)");
        return;
      }
      await transport.sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
