/** Exact a - b on decimal strings with `scale` places, via BigInt (money and shares never pass through a float). */
export function subtractDecimal(a: string, b: string, scale = 2): string {
  const unit = 10n ** BigInt(scale);
  const scaled = (v: string) => {
    const negative = v.startsWith('-');
    const [whole, frac = ''] = v.replace('-', '').split('.');
    const n = BigInt(whole || '0') * unit + BigInt((frac + '0'.repeat(scale)).slice(0, scale) || '0');
    return negative ? -n : n;
  };
  const d = scaled(a) - scaled(b);
  const abs = d < 0n ? -d : d;
  const frac = scale > 0 ? `.${(abs % unit).toString().padStart(scale, '0')}` : '';
  return `${d < 0n ? '-' : ''}${abs / unit}${frac}`;
}

/** Compares two decimal strings: negative, zero or positive like a sort comparator. */
export function compareDecimal(a: string, b: string, scale = 6): number {
  const d = subtractDecimal(a, b, scale);
  return /^-/.test(d) ? -1 : /^[0.]+$/.test(d) ? 0 : 1;
}
