"use client";

import { Field, Select } from "@/components/ui/Form";
import { THINKING_POLICY_HELP, type ThinkingPolicyView } from "@/lib/ui/settings";

const CAPS = ["low", "medium", "high", "xhigh", "max"] as const;

/**
 * The client-thinking policy of a key, or of an app (`allowInherit`: null
 * leaves it to the key's policy).
 */
export function ThinkingPolicyFields({
  value,
  onChange,
  allowInherit = false,
}: {
  value: ThinkingPolicyView | null;
  onChange: (v: ThinkingPolicyView | null) => void;
  allowInherit?: boolean;
}) {
  const policy = value?.policy ?? "";
  return (
    <>
      <Field label="Client thinking" hint={value ? THINKING_POLICY_HELP[value.policy] : "the policy of the calling key applies"}>
        {(c) => (
          <Select
            {...c}
            value={policy}
            onChange={(e) => {
              const p = e.target.value as ThinkingPolicyView["policy"] | "";
              onChange(p === "" ? null : { policy: p, cap: p === "cap" ? (value?.cap ?? "medium") : null });
            }}
          >
            {allowInherit ? <option value="">the key's policy</option> : null}
            <option value="honour">honour (keep what the client asks)</option>
            <option value="decide">decide (thinkgate decides)</option>
            <option value="cap">cap (keep, up to a maximum)</option>
          </Select>
        )}
      </Field>
      <Field label="Maximum effort" hint="On budget models: the budget this effort stands for.">
        {(c) => (
          <Select {...c} value={value?.cap ?? ""} disabled={value?.policy !== "cap"} onChange={(e) => onChange({ policy: "cap", cap: e.target.value as ThinkingPolicyView["cap"] })}>
            {value?.policy !== "cap" ? <option value="">—</option> : null}
            {CAPS.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </>
  );
}
