import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../../graphql/scalars';
import { CONSENT_SCOPES, ROLES } from '../principal';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as Record<(typeof ROLES)[number], string>;
export const ConsentScopeEnum = Object.fromEntries(CONSENT_SCOPES.map((s) => [s, s])) as Record<(typeof CONSENT_SCOPES)[number], string>;
registerEnumType(RoleEnum, { name: 'Role', description: 'ADMIN: everything; ANALYST: read all and analytics; FRONTEND: customer reads and service actions; PARTNER: consented data only.' });
registerEnumType(ConsentScopeEnum, { name: 'ConsentScope', description: 'What a customer lets a partner see.' });

@ObjectType({ description: 'An API key as administrators see it. The secret itself is shown once, at creation.' })
export class ApiKey {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => RoleEnum) role: string;
  @Field(() => String, { nullable: true }) partnerCode: string | null;
  @Field(() => [String]) scopes: string[];
  @Field({ description: 'Public prefix that identifies the key in logs and the audit trail.' }) keyPrefix: string;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastUsedAt: Date | null;
  @Field(() => ID, { nullable: true }) rotatedFromId: string | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey) apiKey: ApiKey;
  @Field({ description: 'The key. Store it now: it is not kept and cannot be shown again.' }) secret: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field() name: string;
  @Field(() => RoleEnum) role: string;
  @Field(() => String, { nullable: true }) partnerCode?: string | null;
  @Field(() => [String], { nullable: true, description: 'Extra capabilities, e.g. ["pii"].' }) scopes?: string[] | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: Date | null;
}

@ObjectType()
export class Consent {
  @Field(() => ID) id: string;
  @Field(() => ID) customerId: string;
  @Field() partnerCode: string;
  @Field() purpose: string;
  @Field(() => [ConsentScopeEnum]) scopes: string[];
  @Field(() => DateTimeScalar) grantedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt: Date | null;
}

@InputType()
export class GrantConsentInput {
  @Field(() => ID) customerId: string;
  @Field() partnerCode: string;
  @Field() purpose: string;
  @Field(() => [ConsentScopeEnum]) scopes: string[];
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: Date | null;
}

@ObjectType()
export class AuditEntry {
  @Field(() => ID) id: string;
  @Field(() => DateTimeScalar) at: Date;
  @Field(() => ID) requestId: string;
  @Field(() => ID, { nullable: true }) apiKeyId: string | null;
  @Field() role: string;
  @Field(() => String, { nullable: true }) operationName: string | null;
  @Field(() => String, { nullable: true, description: 'sha256 of the GraphQL document.' }) documentHash: string | null;
  @Field(() => [ID], { description: 'Global ids of the customers whose data the request touched.' }) customerIds: string[];
  @Field(() => [String]) fields: string[];
  @Field() piiAccessed: boolean;
  @Field({ description: 'SUCCESS, PARTIAL, ERROR or REJECTED.' }) outcome: string;
  @Field(() => [String]) errorCodes: string[];
}

@ArgsType()
export class AuditLogArgs {
  @Field(() => ID, { nullable: true }) apiKeyId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Global id of a customer.' }) customerId?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) from?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) to?: Date | null;
  @Field(() => Boolean, { nullable: true }) piiOnly?: boolean | null;
  @Field(() => Int, { nullable: true, defaultValue: 100 }) limit?: number;
}

@ObjectType()
export class PersistedOperation {
  @Field({ description: 'sha256 of the document: what partners send as documentId.' }) id: string;
  @Field() name: string;
}
