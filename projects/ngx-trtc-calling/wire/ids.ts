/**
 * The userID and groupID rules of Tencent IM, in the one place that every layer checks them from:
 * core's `Calling` arguments, the virtual IM of `ngx-trtc-calling/testing`, and calling-server.
 *
 * What Tencent documents: a UserID is at most 32 bytes; a custom GroupID is printable ASCII of at
 * most 48 bytes that must not start with `@TGS` (the prefix of the IDs IM assigns itself, such as
 * `@TGS#2C5SZEAEF`). Its guides recommend letters, digits, `_` and `-` for UserIDs, but the service
 * and the reference SDK accept more (`r12.b@corp` logs in), and apps rely on that.
 *
 * What we accept, for both kinds of ID: letters, digits and `_ - . @ : + #` — the recommended set,
 * the punctuation of e-mail-, phone- and namespace-style IDs, and the `#` of IM's own IDs. Never
 * whitespace or control characters, and nothing that is syntax where the server composes or parses
 * strings: `|` separates the fields of its Redis entries, `{}` are Redis Cluster hash tags, and
 * quotes, `%`, `/`, `*`, `?` would need escaping in logs, URLs or key patterns. (`:` is safe: a
 * Redis key holding an ID is `g:<id>` or `u:<id>:<one letter>`, so `u:a:b:p` can only be user `a:b`.)
 * The IDs are ASCII, so their length in characters is their length in bytes.
 *
 * Reserved prefixes: `@TIM#` and `@TLS#` name IM's system accounts (`@TIM#SYSTEM`,
 * `@TLS#NOT_FOUND`) and are refused as userIDs. `@TGS` is not refused: Tencent IM keeps it for the
 * group IDs it assigns, so those must pass wherever a group is named, and calling-server assigns
 * none, so a group it creates may keep the ID it had on Tencent IM.
 */

/** Longest userID, in bytes (Tencent IM's limit). */
export const USER_ID_MAX_BYTES = 32;
/** Longest groupID, in bytes (Tencent IM's limit for custom group IDs). */
export const GROUP_ID_MAX_BYTES = 48;

/** A userID: 1–32 of the accepted characters, not one of IM's system accounts. */
export const USER_ID_PATTERN = /^(?!@TIM#|@TLS#)[A-Za-z0-9_.@:+#-]{1,32}$/;
/** A groupID, IM-assigned (`@TGS#…`) or custom: 1–48 of the accepted characters. */
export const GROUP_ID_PATTERN = /^[A-Za-z0-9_.@:+#-]{1,48}$/;

/** The userID rule in words, for error messages. */
export const USER_ID_RULE = `1-${USER_ID_MAX_BYTES} letters, digits or _-.@:+#, not starting with @TIM# or @TLS#`;
/** The groupID rule in words, for error messages. */
export const GROUP_ID_RULE = `1-${GROUP_ID_MAX_BYTES} letters, digits or _-.@:+#`;

/** Whether `value` is a valid userID. */
export function isUserID(value: unknown): value is string {
  return typeof value === 'string' && USER_ID_PATTERN.test(value);
}

/** Whether `value` is a valid groupID, IM-assigned (`@TGS#…`) or custom. */
export function isGroupID(value: unknown): value is string {
  return typeof value === 'string' && GROUP_ID_PATTERN.test(value);
}
