/** PII masking. Pure; keeps enough of a value to recognise it, never enough to use it. */

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(phone.length);
  // +8613812345678 -> +86138****5678 ; 13812345678 -> 138****5678
  const plus = phone.startsWith('+') ? '+' : '';
  const head = digits.length > 11 ? digits.length - 8 : 3;
  return `${plus}${digits.slice(0, head)}****${digits.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '****';
  return `${email[0]}***${email.slice(at)}`;
}

/** Keeps the last four characters (card number last four, ID checksum digits). */
export function maskIdentifier(value: string): string {
  if (value.length <= 4) return '****';
  return `****${value.slice(-4)}`;
}
