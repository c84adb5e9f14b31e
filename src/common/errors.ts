/**
 * Domain errors: services throw these with a code; the GraphQL layer maps codes to responses in one place
 * (src/graphql/error-formatter.ts). Services never import GraphQL.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export interface ErrorDetails {
  /** Path of the offending input, e.g. "filter._and[1].age._gt" or "first". */
  field?: string;
  [key: string]: unknown;
}

export class DomainException extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainException';
  }
}

export function badInput(field: string, message: string, extra: Record<string, unknown> = {}): DomainException {
  return new DomainException(message, ErrorCode.BAD_USER_INPUT, { field, ...extra });
}

export function notFound(what: string, id: string): DomainException {
  return new DomainException(`${what} ${id} not found`, ErrorCode.NOT_FOUND, { id });
}
