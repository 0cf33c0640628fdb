// Tests of the sample project's string helpers. The slugify tests fail until slugify() exists.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as strings from "../src/strings.mjs";

test("capitalize upper-cases the first letter", () => {
  assert.equal(strings.capitalize("hello"), "Hello");
  assert.equal(strings.capitalize(""), "");
});

test("truncate keeps short text and cuts long text with an ellipsis", () => {
  assert.equal(strings.truncate("short", 10), "short");
  assert.equal(strings.truncate("The quick brown fox", 10), "The quick…");
});

test("slugify lower-cases words and joins them with hyphens", () => {
  assert.equal(strings.slugify("Hello World"), "hello-world");
});

test("slugify removes accents from Latin letters", () => {
  assert.equal(strings.slugify("Crème Brûlée à la carte"), "creme-brulee-a-la-carte");
});

test("slugify keeps letters and digits of other scripts", () => {
  assert.equal(strings.slugify("Привет, мир!"), "привет-мир");
  assert.equal(strings.slugify("회원 가입 2024"), "회원-가입-2024");
  assert.equal(strings.slugify("デザイン ガイド"), "デザイン-ガイド");
});

test("slugify drops punctuation and trims separators", () => {
  assert.equal(strings.slugify("  --Hello,   World!--  "), "hello-world");
  assert.equal(strings.slugify("!!!"), "");
});

test("slugify accepts a custom separator", () => {
  assert.equal(strings.slugify("Hello World", { separator: "_" }), "hello_world");
});
