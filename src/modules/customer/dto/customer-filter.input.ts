import { Field, InputType, Int } from 'type-graphql';
import { Gender, IncomeBand } from '../../../graphql/enums';
import { DateTimeScalar } from '../../../graphql/scalars';

/* Hasura-style boolean expressions: each field takes a comparison object; operators inside one object AND together. */

@InputType()
export class StringComparison {
  @Field(() => String, { nullable: true }) _eq?: string | null;
  @Field(() => String, { nullable: true }) _neq?: string | null;
  @Field(() => [String], { nullable: true }) _in?: string[] | null;
  @Field(() => [String], { nullable: true }) _nin?: string[] | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring match.' }) _contains?: string | null;
}

@InputType()
export class IntComparison {
  @Field(() => Int, { nullable: true }) _eq?: number | null;
  @Field(() => Int, { nullable: true }) _neq?: number | null;
  @Field(() => Int, { nullable: true }) _gt?: number | null;
  @Field(() => Int, { nullable: true }) _gte?: number | null;
  @Field(() => Int, { nullable: true }) _lt?: number | null;
  @Field(() => Int, { nullable: true }) _lte?: number | null;
  @Field(() => [Int], { nullable: true }) _in?: number[] | null;
  @Field(() => [Int], { nullable: true }) _nin?: number[] | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
}

@InputType()
export class DateTimeComparison {
  @Field(() => DateTimeScalar, { nullable: true }) _eq?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _neq?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _gt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _gte?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _lt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _lte?: Date | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
}

@InputType()
export class GenderComparison {
  @Field(() => Gender, { nullable: true }) _eq?: string | null;
  @Field(() => Gender, { nullable: true }) _neq?: string | null;
  @Field(() => [Gender], { nullable: true }) _in?: string[] | null;
  @Field(() => [Gender], { nullable: true }) _nin?: string[] | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
}

@InputType()
export class IncomeBandComparison {
  @Field(() => IncomeBand, { nullable: true }) _eq?: string | null;
  @Field(() => IncomeBand, { nullable: true }) _neq?: string | null;
  @Field(() => [IncomeBand], { nullable: true }) _in?: string[] | null;
  @Field(() => [IncomeBand], { nullable: true }) _nin?: string[] | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
}

@InputType({ description: 'Comparisons on a tag list such as interests.' })
export class TagsComparison {
  @Field(() => [String], { nullable: true, description: 'Has all of these tags.' }) _contains?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Has at least one of these tags.' }) _overlaps?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Has no tags at all.' }) _is_empty?: boolean | null;
}

@InputType({ description: 'A boolean expression over customers, in the style of Hasura. An empty object matches everyone.' })
export class CustomerFilter {
  @Field(() => [CustomerFilter], { nullable: true }) _and?: CustomerFilter[] | null;
  @Field(() => [CustomerFilter], { nullable: true }) _or?: CustomerFilter[] | null;
  @Field(() => CustomerFilter, { nullable: true }) _not?: CustomerFilter | null;

  @Field(() => StringComparison, { nullable: true }) fullName?: StringComparison | null;
  @Field(() => IntComparison, { nullable: true, description: 'Age in whole years today.' }) age?: IntComparison | null;
  @Field(() => GenderComparison, { nullable: true }) gender?: GenderComparison | null;
  @Field(() => StringComparison, { nullable: true }) occupation?: StringComparison | null;
  @Field(() => IncomeBandComparison, { nullable: true }) incomeBand?: IncomeBandComparison | null;
  @Field(() => StringComparison, { nullable: true }) city?: StringComparison | null;
  @Field(() => StringComparison, { nullable: true }) region?: StringComparison | null;
  @Field(() => TagsComparison, { nullable: true }) interests?: TagsComparison | null;
  @Field(() => StringComparison, { nullable: true, description: 'The home branch’s code.' }) homeBranch?: StringComparison | null;
  @Field(() => DateTimeComparison, { nullable: true }) customerSince?: DateTimeComparison | null;
}
