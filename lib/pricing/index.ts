/** Pricing: the seeded price table, usage normalization, cost and counterfactual cost. */
export * from "./seed";
export * from "./usage";
export * from "./cost";
export * from "./counterfactual";
