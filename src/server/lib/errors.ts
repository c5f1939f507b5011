/** Field path → stable error code, e.g. { "organisation.vatNumber": "invalid_checksum" }. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  constructor(fields: FieldErrors, message = 'Some fields are not valid') {
    super(400, 'validation_failed', message, fields);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in to continue') {
    super(401, 'unauthorized', message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this') {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'resource') {
    super(404, 'not_found', `${what} not found`);
  }
}
export class ConflictError extends AppError {
  constructor(code: string, message: string, fields?: FieldErrors) {
    super(409, code, message, fields);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_requests', 'Too many attempts, try again later');
  }
}

/** zod issues → our field map: every invalid field, with a stable code. */
type ZodIssueLike = {
  path: ReadonlyArray<PropertyKey>;
  code: string;
  message?: string;
  format?: string;
  origin?: string;
  minimum?: unknown;
  params?: Record<string, unknown>;
};

export function fieldsFromZodIssues(issues: ReadonlyArray<ZodIssueLike>): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_';
    if (fields[key]) continue;
    fields[key] = issueCode(issue);
  }
  return fields;
}

function issueCode(issue: ZodIssueLike): string {
  if (issue.code === 'custom' && typeof issue.params?.code === 'string') return issue.params.code;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message ?? '')) return 'required';
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1) return 'required';
  if (issue.code === 'invalid_format' && issue.format) return `invalid_${issue.format}`;
  return issue.code;
}
