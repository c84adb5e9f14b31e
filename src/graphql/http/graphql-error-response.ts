import { Response } from 'express';

/** An HTTP-level refusal in the GraphQL response shape, so clients parse one format. */
export function sendGraphQLError(res: Response, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
