import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export type MailMessage = { to: string; subject: string; text: string };
export type Mailer = { send(message: MailMessage): Promise<void>; describe: string };

/** An address in an e-mail: the public URL (a trailing slash or not) and a path from the root, '/it/…'. */
export const mailLink = (publicUrl: string, path: string): string => `${publicUrl.replace(/\/+$/, '')}${path}`;

/** SMTP from configuration; otherwise every message is written as an .eml file to a folder (development). */
export function createMailer(opts: { smtpUrl?: string; from: string; dir: string }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      describe: `SMTP ${new URL(opts.smtpUrl).host}`,
      async send(m) {
        await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text });
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `folder ${opts.dir}`,
    async send(m) {
      const info = await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text });
      await mkdir(opts.dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${m.to.replace(/[^a-zA-Z0-9@._-]/g, '_')}.eml`;
      await writeFile(join(opts.dir, name), info.message as Buffer);
    },
  };
}

/** Keeps messages in memory: the outside world (SMTP) is the one thing tests replace. */
export function createMemoryMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    describe: 'memory',
    sent,
    async send(m) {
      sent.push(m);
    },
  };
}
