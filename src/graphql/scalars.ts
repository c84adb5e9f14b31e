import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

import { EmailAddressResolver, PhoneNumberResolver } from 'graphql-scalars';

export { CurrencyResolver as CurrencyScalar, DateResolver as DateScalar, DateTimeResolver as DateTimeScalar } from 'graphql-scalars';

/** graphql-scalars' validation, plus the masked form the API shows callers without PII access. */
function maskable(base: GraphQLScalarType, masked: RegExp, example: string): GraphQLScalarType {
  const config = base.toConfig();
  return new GraphQLScalarType({
    ...config,
    description: `${config.description ?? base.name} Shown masked (e.g. ${example}) to callers without PII access.`,
    serialize: (value) => (typeof value === 'string' && masked.test(value) ? value : config.serialize(value)),
  });
}

export const EmailAddressScalar = maskable(EmailAddressResolver, /^.\*\*\*@/, 'w***@example.cn');
export const PhoneNumberScalar = maskable(PhoneNumberResolver, /^\+?\d+\*{4}\d{4}$/, '+86138****5678');

const DECIMAL = /^-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,6})?$/;

function decimalScalar(name: string, description: string): GraphQLScalarType<string, string> {
  const parse = (value: unknown): string => {
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string' || !DECIMAL.test(text)) {
      throw new GraphQLError(`${name} must be a decimal string such as "1234.56"; got ${JSON.stringify(value)}`);
    }
    return text;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => {
      if (typeof value === 'string') return value;
      throw new GraphQLError(`${name} cannot represent ${typeof value}`);
    },
    parseValue: parse,
    parseLiteral: (ast) => {
      if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parse(ast.value);
      throw new GraphQLError(`${name} must be a decimal string`);
    },
  });
}

/** Money on the wire is an exact decimal string ("1234.56"), never a float: it comes straight from numeric. */
export const MoneyScalar = decimalScalar('Money', 'An exact decimal amount as a string, e.g. "1234.56". Never a float.');

/** Rates and other exact decimals that are not amounts of money. */
export const DecimalScalar = decimalScalar('Decimal', 'An exact decimal number as a string, e.g. "0.0325".');
