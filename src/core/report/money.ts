/**
 * US dollars with as many decimals as the amount needs, from 2 up to 6: `$0.02`, `$0.015`,
 * `$0.00002` (a budget of $0.015 is not shown as `$0.01`, nor a tiny cost as `$0.00`).
 */
export function formatUsd(usd: number): string {
  const rounded = Number(usd.toFixed(6));
  let decimals = 2;
  while (decimals < 6 && Number(rounded.toFixed(decimals)) !== rounded) decimals++;
  return `$${rounded.toFixed(decimals)}`;
}
