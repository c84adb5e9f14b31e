/** numeric columns stay decimal strings end to end: never a JS float. */
export const MONEY = { type: 'numeric' as const, precision: 18, scale: 2 };
