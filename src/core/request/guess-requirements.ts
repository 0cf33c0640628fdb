import { findInOrder, type TextIndex } from "./text-index.ts";

/** A feature that free text may name, with the spelling used for the requirement. */
export interface FeatureTerm {
  display: string;
  /** Lower-case names; Korean names match inside longer words. */
  names: readonly string[];
}

/**
 * Features read from free text as requirements when no requirements are given. Deliberately short:
 * well-known feature names only, never whole sentences.
 */
export const FEATURE_TERMS: readonly FeatureTerm[] = [
  { display: "OAuth", names: ["oauth", "oauth2"] },
  { display: "2FA", names: ["2fa", "two-factor", "two factor", "two-factor authentication", "2단계 인증"] },
  { display: "MFA", names: ["mfa"] },
  { display: "SSO", names: ["sso", "single sign-on", "single sign on"] },
  { display: "JWT", names: ["jwt"] },
  { display: "Email verification", names: ["email verification", "e-mail verification", "이메일 인증"] },
  { display: "Password reset", names: ["password reset", "reset password", "비밀번호 재설정"] },
  { display: "Sign-up", names: ["signup", "sign-up", "sign up", "registration", "회원가입"] },
  { display: "Login", names: ["login", "log-in", "log in", "signin", "sign-in", "sign in", "로그인"] },
  { display: "CRUD", names: ["crud"] },
  { display: "Search", names: ["search", "full-text search", "검색"] },
  { display: "File upload", names: ["file upload", "file uploads", "파일 업로드"] },
  { display: "Payments", names: ["payment", "payments", "결제"] },
  { display: "Notifications", names: ["notification", "notifications", "push notifications", "알림"] },
];

const LOOKUP = new Map<string, FeatureTerm>(
  FEATURE_TERMS.flatMap((term) => term.names.map((name) => [name, term] as const)),
);

/** The {@link FEATURE_TERMS} the text names, in order of appearance, as requirement entries. */
export function guessRequirements(index: TextIndex): string[] {
  return findInOrder(index, LOOKUP).map((term) => term.display);
}
