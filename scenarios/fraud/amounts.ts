/**
 * Typical transaction amount per merchant category (USD). The generator draws amounts around
 * these; the risk rule in risk_scores compares burst amounts with them. One source for both.
 */
export const TYPICAL_AMOUNT: Record<string, number> = {
  Retail: 60,
  Electronics: 240,
  Travel: 420,
  Gambling: 110,
  Crypto: 520,
  Food: 28,
  Pharmacy: 38,
};

export const RISKY_CATEGORIES = ['Crypto', 'Gambling'] as const;
