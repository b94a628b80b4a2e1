import type { ReactNode } from "react";
import { Form } from "antd";

/** A form row showing the domain library's message for `name` beside the input. */
export function Field({ name, label, errors, children }: { name: string; label: string; errors: Record<string, string>; children: ReactNode }) {
  const e = errors[name];
  return (
    <Form.Item
      label={label}
      validateStatus={e ? "error" : undefined}
      help={e ? <span data-testid={`err-${name}`}>{e}</span> : undefined}
      style={{ marginBottom: 14 }}
    >
      {children}
    </Form.Item>
  );
}

export type EditProps<T> = { firm: T; errors: Record<string, string>; update: (patch: Partial<T>) => void };
