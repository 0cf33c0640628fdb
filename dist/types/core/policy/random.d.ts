/**
 * A small deterministic random source (mulberry32). Its whole state is one 32-bit integer kept in
 * the execution state, so replaying an event log reproduces every jittered delay.
 */
export declare function nextRandom(state: number): {
    value: number;
    state: number;
};
