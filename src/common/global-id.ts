import { badInput } from './errors';

/** Relay global ids: base64url("Type:localId"). Opaque to clients, stable across releases. */
export function toGlobalId(type: string, localId: string | number): string {
  return Buffer.from(`${type}:${localId}`, 'utf8').toString('base64url');
}

export interface ParsedGlobalId {
  type: string;
  id: string;
}

// Customer-owned rows are addressed as "customerId.id" so a lookup always carries the distribution key.
const LOCAL_ID = /^[0-9]{1,19}(\.[0-9]{1,19})?$/;

export function fromGlobalId(globalId: string, field = 'id'): ParsedGlobalId {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  const type = decoded.slice(0, sep);
  const id = decoded.slice(sep + 1);
  if (sep <= 0 || !LOCAL_ID.test(id) || toGlobalId(type, id) !== globalId.replace(/=+$/, '')) {
    throw badInput(field, `"${globalId}" is not a valid id`);
  }
  return { type, id };
}

/** Parses a global id that must be of the given type. */
export function localIdOf(globalId: string, expectedType: string, field = 'id'): string {
  const parsed = fromGlobalId(globalId, field);
  if (parsed.type !== expectedType) throw badInput(field, `"${globalId}" is not a ${expectedType} id`);
  return parsed.id;
}

/** "customerId.id" for customer-owned rows. */
export function ownedLocalId(customerId: string, id: string): string {
  return `${customerId}.${id}`;
}

export function parseOwnedLocalId(localId: string, field = 'id'): { customerId: string; id: string } {
  const dot = localId.indexOf('.');
  if (dot < 0) throw badInput(field, `"${localId}" does not name a customer-owned record`);
  return { customerId: localId.slice(0, dot), id: localId.slice(dot + 1) };
}
