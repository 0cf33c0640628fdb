// A small line-based unified diff (longest common subsequence), enough for the sample project's files.

/** Unified diff of two texts, with `context` lines around each change; "" when they are equal. */
export function unifiedDiff(path, before, after, context = 3) {
  const lines = (text) => (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
  const a = lines(before);
  const b = lines(after);
  const lcs = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push([" ", a[i++], j++]);
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push(["-", a[i++]]);
    else ops.push(["+", b[j++]]);
  }
  const changed = ops.map((op, k) => (op[0] !== " " ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return "";
  const hunks = [];
  for (const k of changed) {
    const last = hunks.at(-1);
    if (last && k - context <= last.end + context) last.end = k;
    else hunks.push({ start: k, end: k });
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  for (const { start, end } of hunks) {
    const from = Math.max(0, start - context);
    const to = Math.min(ops.length - 1, end + context);
    const slice = ops.slice(from, to + 1);
    const oldStart = ops.slice(0, from).filter((op) => op[0] !== "+").length + 1;
    const newStart = ops.slice(0, from).filter((op) => op[0] !== "-").length + 1;
    const oldLen = slice.filter((op) => op[0] !== "+").length;
    const newLen = slice.filter((op) => op[0] !== "-").length;
    out.push(`@@ -${oldStart},${oldLen} +${newStart},${newLen} @@`, ...slice.map((op) => `${op[0]}${op[1]}`));
  }
  return `${out.join("\n")}\n`;
}

/** Files, added and removed line counts of a unified diff. */
export function diffStats(diff) {
  const files = [...diff.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]);
  const lines = diff.split("\n");
  const added = lines.filter((l) => l.startsWith("+") && !l.startsWith("+++")).length;
  const removed = lines.filter((l) => l.startsWith("-") && !l.startsWith("---")).length;
  return { files, added, removed };
}
