/**
 * Hostile inputs: issue bodies and texts that have broken parsers and secret scrubbers elsewhere
 * (huge, repetitive, hidden characters, half cues, patterns started and never finished). The unit
 * tests guard them against super-linear time; bench/input-speed.ts times them against the goals.
 */

/** Issue bodies that have broken parsers: huge, repetitive, hidden characters, half cues. */
export const REQUEST_BODIES: Record<string, string> = {
  "1 MB of text": "Project: big\n".concat("lorem ipsum ".repeat(90_000)),
  "a: repeated": "a:".repeat(200_000),
  spaces: " ".repeat(1_000_000),
  dashes: "-".repeat(1_000_000),
  headings: "### ".repeat(100_000),
  "heading lines": "### Project\n\n".repeat(80_000),
  "key lines": "프로젝트: x, 요구: a + b, 스택: c, 마감: 3일\n".repeat(30_000),
  NULs: "\u0000".repeat(1_000_000),
  controls: "\u0001\u001b[31m\u0085\u009b".repeat(250_000),
  bidi: "\u202e\u2066\u200b\ufeff".repeat(250_000),
  commas: `Requirements: ${"a,".repeat(500_000)}`,
  plusses: `Stack: ${"+".repeat(1_000_000)}`,
  slashes: `Stack: ${"a/".repeat(500_000)}`,
  bullets: `Requirements:\n${"- a\n".repeat(300_000)}`,
  fences: "```\n".repeat(300_000),
  cues: "in 3 ".repeat(200_000),
  "korean cues": "3일안에 ".repeat(200_000),
  surrogates: "\ud800".repeat(1_000_000),
  emoji: "😀".repeat(300_000),
};

/** Text that starts a secret's pattern over and over without finishing it. */
export const SCRUB_TEXTS: Record<string, string> = {
  "repeated ghp_": "ghp_".repeat(100_000),
  "repeated sk-": "sk-".repeat(100_000),
  "one long word": "a".repeat(1_000_000),
  "repeated BEGIN": "-----BEGIN PRIVATE KEY-----".repeat(20_000),
  "BEGIN then a long body": `-----BEGIN PRIVATE KEY-----${"A".repeat(1_000_000)}`,
  "repeated scheme": "https://a:".repeat(100_000),
  "repeated header": "Authorization: ".repeat(50_000),
  "repeated bearer": "bearer ".repeat(100_000),
  "repeated AKIA": "AKIA".repeat(100_000),
  "repeated xoxb-": "xoxb-".repeat(100_000),
  "repeated _authToken=": "_authToken=".repeat(80_000),
  "repeated aws key": "aws_secret_access_key=".repeat(40_000),
  "long userinfo": `https://${"a".repeat(300_000)}:${"b".repeat(300_000)}`,
  colons: "a:".repeat(300_000),
};
