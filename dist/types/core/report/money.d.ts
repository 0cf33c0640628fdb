/**
 * US dollars with as many decimals as the amount needs, from 2 up to 6: `$0.02`, `$0.015`,
 * `$0.00002` (a budget of $0.015 is not shown as `$0.01`, nor a tiny cost as `$0.00`).
 */
export declare function formatUsd(usd: number): string;
