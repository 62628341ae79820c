import { z } from 'zod';

/**
 * Error codes shared by both hosts and the renderer. Every failure that crosses the contract is one of these,
 * so the UI can react to the kind of failure (a conflict offers a merge, a bad path does not).
 */
export const ErrorCode = z.enum([
  'BAD_REQUEST', // input failed the contract's schema
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'NO_PROJECT', // a project call was made with no project open
  'INVALID_PROJECT', // the files do not validate
  'CONFLICT', // the file changed on disk since the caller read it
  'PATH_OUTSIDE_PROJECT', // a path or a link that leads outside the project
  'FILE_KIND_NOT_ALLOWED', // not one of the project's own kinds of files (shared/project/files.ts)
  'FOLDER_NOT_EMPTY', // project.create into a folder that holds other things
  'NOT_A_FILE', // a folder (or device, socket) where a file is expected
  'TOO_LARGE', // over a size limit (user settings)
  'DISK_FULL', // ENOSPC, EDQUOT
  'PERMISSION_DENIED', // EACCES, EPERM
  'READ_ONLY', // EROFS: the file system is mounted read-only
  'BAD_KEY', // an API key the provider refused or that is malformed
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

/** The one error type thrown across the contract, on both sides of it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
  toJSON(): ApiErrorShape {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
  static from(shape: unknown): ApiError {
    const parsed = ApiErrorShape.safeParse(shape);
    if (parsed.success) return new ApiError(parsed.data.code, parsed.data.message, parsed.data.details);
    const message = (shape as { message?: unknown } | null)?.message;
    return new ApiError('INTERNAL', typeof message === 'string' ? message : 'malformed error from host');
  }
}
