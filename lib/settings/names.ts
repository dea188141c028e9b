import { z } from "zod";

/**
 * A name as the rule stood before '.' and '..' were refused: still how names
 * stored before then are read (a key bound to such an app keeps working), never
 * how a new one is taken.
 */
export const storedNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9._-]+$/, "letters, digits, '.', '-' and '_' only");

/**
 * A route's id or an app's name: what a URL path segment, the thinkgate-app
 * header and a rule hold without escaping. One rule for every place that
 * takes one (the routes and apps API, a key's apps, an imported config).
 * '.' and '..' pass the characters but not as a path segment:
 * encodeURIComponent leaves them as they are, and a URL resolves them, so
 * /api/apps/.. would be another path than the app's.
 */
export const nameSchema = storedNameSchema.refine((name) => name !== "." && name !== "..", "'.' and '..' are not names (a URL path would resolve them to another path)");
