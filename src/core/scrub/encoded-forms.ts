const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Encoded forms shorter than this are not searched for: they would match ordinary text. */
const MIN_FORM_LENGTH = 4;
/** A base64 fragment cut out of a longer stream must be at least this long to be searched for. */
const MIN_SHIFTED_LENGTH = 8;
/** Line widths base64 tools wrap at. */
const WRAP_WIDTHS = [64, 76];

/**
 * The forms a secret value takes once encoded: base64 and base64url (with and without padding, the
 * fragments it leaves at each of the three byte alignments inside a longer base64 stream, and its
 * lines when wrapped at 64 or 76 columns),
 * URL-encoding (upper- and lower-case hex, `+` for spaces) and JSON string escaping. The value itself
 * is not included.
 */
export function encodedForms(secret: string): string[] {
  const forms = new Set<string>();
  const bytes = utf8(secret);
  const padded = base64(bytes, true);
  forms.add(padded);
  for (let shift = 0; shift < 3; shift++) {
    const encoded = base64([...Array<number>(shift).fill(0), ...bytes], false);
    // Keep only the characters whose six bits all come from the secret's bytes.
    const first = Math.ceil((8 * shift) / 6);
    const last = Math.floor((8 * (shift + bytes.length)) / 6);
    const fragment = encoded.slice(first, last);
    if (shift === 0 || fragment.length >= MIN_SHIFTED_LENGTH) forms.add(fragment);
    if (shift === 0) forms.add(encoded);
  }
  // `base64` wraps its output at 76 columns, PEM and `openssl base64` at 64: each line of a long
  // secret's encoding is searched for on its own.
  for (const width of WRAP_WIDTHS) {
    if (padded.length <= width) continue;
    for (let i = 0; i < padded.length; i += width) {
      const line = padded.slice(i, i + width).replace(/=+$/, "");
      if (line.length >= MIN_SHIFTED_LENGTH) forms.add(line);
    }
  }
  for (const form of [...forms]) forms.add(form.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
  const url = urlEncoded(secret);
  if (url !== undefined) {
    forms.add(url);
    forms.add(url.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
    forms.add(url.replace(/%20/g, "+"));
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.delete(secret);
  return [...forms].filter((form) => form.length >= MIN_FORM_LENGTH);
}

function urlEncoded(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    return undefined; // a lone surrogate has no URL encoding
  }
}

/** UTF-8 bytes of `text`; a lone surrogate becomes U+FFFD, as in any UTF-8 encoder. */
function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    let code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else {
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 63),
        0x80 | ((code >> 6) & 63),
        0x80 | (code & 63),
      );
    }
  }
  return bytes;
}

function base64(bytes: readonly number[], pad: boolean): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    const chars = [18, 12, 6, 0].map((s) => BASE64[(n >> s) & 63]!);
    const kept = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    out += chars.slice(0, kept).join("") + (pad ? "=".repeat(4 - kept) : "");
  }
  return out;
}
