"use client";

import { Field, Select, TextInput } from "@/components/ui/Form";
import type { LimitsDraft } from "@/lib/ui/limits";

/** The rpm, daily budget and at-the-cap action of a key or an app, shared by every instance of the deployment. */
export function LimitsFields({ value, onChange }: { value: LimitsDraft; onChange: (v: LimitsDraft) => void }) {
  return (
    <>
      <Field label="Requests per minute" hint="Empty: no limit. Over it: 429.">
        {(c) => <TextInput {...c} inputMode="numeric" value={value.rpm} placeholder="no limit" onChange={(e) => onChange({ ...value, rpm: e.target.value })} />}
      </Field>
      <Field label="USD per day" hint="UTC day. Empty: no budget.">
        {(c) => <TextInput {...c} inputMode="decimal" value={value.usdPerDay} placeholder="no budget" onChange={(e) => onChange({ ...value, usdPerDay: e.target.value })} />}
      </Field>
      <Field label="When the budget is reached">
        {(c) => (
          <Select {...c} value={value.action} onChange={(e) => onChange({ ...value, action: e.target.value as LimitsDraft["action"] })}>
            <option value="reject">reject (429)</option>
            <option value="downgrade">serve reasoning as standard</option>
          </Select>
        )}
      </Field>
    </>
  );
}
