import { toGlobalId } from '../common/global-id';

/** One GraphiQL tab: an operation and, optionally, the JSON of its variables. */
export interface GraphiQLExample {
  name: string;
  query: string;
  variables?: string;
}

// Customer 1 exists in any seeded database, so the default tab runs as soon as the page opens.
const FIRST_CUSTOMER_ID = toGlobalId('Customer', 1);

export const CUSTOMER_360_EXAMPLE: GraphiQLExample = {
  name: 'Customer 360',
  query: `# Customer 360: one customer as core banking, mobile
# banking and partners know them, in one request.
#
# Put a customer id under Variables (the YoungTravellers
# tab lists ids), then Run (Ctrl-Enter). Ctrl-Space
# completes fields; Docs (top left) lists them all.
query Customer360($id: ID!) {
  customer(id: $id) {
    id
    fullName
    age
    gender
    occupation
    incomeBand
    city
    region
    interests
    homeBranch {
      code
      name
    }
    accounts(first: 10) {
      totalCount
      edges {
        node {
          productType
          status
          balance
          currency
          # Recurring payments out: bills, insurance, loans elsewhere.
          standingOrders {
            amount
            purpose
            recipientBank
          }
          transactions(first: 5) {
            edges {
              node {
                bookedAt
                amount
                channel
                counterpartyName
              }
            }
          }
        }
      }
    }
    # Card and online spend at merchants, all accounts.
    merchantSpend: transactions(first: 10, filter: { channel: [POS, ONLINE], counterpartyKind: [MERCHANT] }) {
      totalCount
      edges {
        node {
          bookedAt
          amount
          currency
          counterpartyName
          merchantCategoryCode
        }
      }
    }
    mobileBanking {
      enrolledAt
      activatedAt
      transferLimit
      lastLoginAt
      sessions(first: 5) {
        totalCount
        edges {
          node {
            startedAt
            durationSeconds
            featuresUsed
          }
        }
      }
    }
    partnerPurchases(first: 10) {
      totalCount
      edges {
        node {
          partner {
            code
            name
          }
          amount
          currency
          category
          purchasedAt
        }
      }
    }
    # Provenance: the source records merged into this
    # customer, and the identity rule that linked each.
    sources {
      system
      key
      matchRule
      firstSeenAt
      lastSeenAt
    }
  }
}
`,
  variables: JSON.stringify({ id: FIRST_CUSTOMER_ID }, null, 2),
};

export const CUSTOMER_LIST_EXAMPLE: GraphiQLExample = {
  name: 'Filtered customer list',
  query: `# A filtered list: customers aged 18 to 30 who are into
# travel, on a low or lower-middle income.
#
# Filters are Hasura-style: combine conditions with
# _and, _or and _not; fields take operators such as _eq,
# _in, _gte, _contains (text) and _overlaps (tags).
# Next page: pass pageInfo.endCursor as $after.
query YoungTravellers($after: String) {
  customers(
    first: 20
    after: $after
    filter: {
      _and: [
        { age: { _gte: 18, _lte: 30 } }
        { interests: { _overlaps: ["travel"] } }
        { incomeBand: { _in: [LOW, LOWER_MIDDLE] } }
      ]
    }
    orderBy: { field: FULL_NAME, direction: ASC }
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        id
        fullName
        age
        city
        incomeBand
        interests
        homeBranch {
          name
        }
      }
    }
  }
}
`,
};

/** The tabs GraphiQL opens with; the first is the one shown. */
export const GRAPHIQL_EXAMPLES: readonly GraphiQLExample[] = [CUSTOMER_360_EXAMPLE, CUSTOMER_LIST_EXAMPLE];
