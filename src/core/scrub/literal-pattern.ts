interface TrieNode {
  readonly next: Map<string, TrieNode>;
  end: boolean;
}

/**
 * One global regular expression matching any of `words` literally, built as a prefix tree so a
 * text is scanned once whatever the number of words. At each position the longest word wins.
 * Returns `undefined` when there is no non-empty word.
 */
export function literalPattern(words: Iterable<string>): RegExp | undefined {
  const root: TrieNode = { next: new Map(), end: false };
  let count = 0;
  for (const word of words) {
    if (word.length === 0) continue;
    let node = root;
    for (let i = 0; i < word.length; i++) {
      const unit = word[i]!;
      let child = node.next.get(unit);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(unit, child);
      }
      node = child;
    }
    node.end = true;
    count++;
  }
  return count === 0 ? undefined : new RegExp(source(root), "g");
}

function source(start: TrieNode): string {
  let node = start;
  let out = "";
  // Runs without a branch or a word ending become plain text.
  while (node.next.size === 1 && !node.end) {
    const [unit, child] = node.next.entries().next().value!;
    out += escapeUnit(unit);
    node = child;
  }
  if (node.next.size === 0) return out;
  const branches = [...node.next].map(([unit, child]) => escapeUnit(unit) + source(child));
  const group = `(?:${branches.join("|")})`;
  // Greedy `?`: the longer word is tried before the word ending here.
  return out + (node.end ? `${group}?` : group);
}

function escapeUnit(unit: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(unit) ? `\\${unit}` : unit;
}
