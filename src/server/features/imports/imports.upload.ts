// multipart/form-data parsed in full before the CSRF check (which reads the form's _csrf field), with a size limit.
import { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import type { FastifyInstance } from 'fastify';
import { AppError, ValidationError } from '../../lib/errors.ts';
import { maxUploadBytes } from './imports.file.ts';

export type UploadBody = { fields: Record<string, string>; file: { fileName: string; mimeType: string; data: Buffer } | null; _csrf?: string };

export function registerUploadParser(app: FastifyInstance) {
  app.addContentTypeParser('multipart/form-data', (req, payload, done) => {
    let bb: import('@fastify/busboy').BusboyInstance;
    try {
      bb = new Busboy({ headers: req.headers as never, limits: { fileSize: maxUploadBytes, files: 1, fields: 20, fieldSize: 10_000 } });
    } catch {
      return done(new ValidationError({ file: 'unreadable_file' }), undefined);
    }
    const body: UploadBody = { fields: {}, file: null };
    let failed: Error | null = null;
    bb.on('field', (name: string, value: string) => {
      body.fields[name] = value;
      if (name === '_csrf') body._csrf = value;
    });
    bb.on('file', (name: string, stream: Readable, fileName: string, _enc: string, mimeType: string) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failed = new AppError(413, 'file_too_large', `The file is larger than ${maxUploadBytes / 1024 / 1024} MB`);
      });
      stream.on('end', () => {
        if (name === 'file') body.file = { fileName: fileName ?? '', mimeType: (mimeType ?? '').toLowerCase(), data: Buffer.concat(chunks) };
      });
    });
    bb.on('error', () => done(new ValidationError({ file: 'unreadable_file' }), undefined));
    bb.on('finish', () => done(failed, failed ? undefined : body));
    payload.pipe(bb);
  });
}
