import { z } from "zod";

/**
 * A route's id or an app's name: what a URL path segment, the thinkgate-app
 * header and a rule hold without escaping. One rule for every place that
 * takes one (the routes and apps API, a key's apps).
 */
export const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9._-]+$/, "letters, digits, '.', '-' and '_' only");
