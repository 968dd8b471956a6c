import type { AddAgentForm } from './addAgentForm.js';
import type { FieldsProps } from './fields.js';

/** The form's fields that hold text. */
type TextField = {
  [K in keyof AddAgentForm]: AddAgentForm[K] extends string ? K : never;
}[keyof AddAgentForm];

/** One labelled text input of the add-agent form. */
export interface TextSpec {
  field: TextField;
  label: string;
  placeholder?: string;
  testId?: string;
}

/** Labelled text inputs, one per spec, each bound to its field of the form. */
export function TextFields({ specs, form, set }: FieldsProps & { specs: readonly TextSpec[] }) {
  return (
    <>
      {specs.map(({ field, label, placeholder, testId }) => (
        <label key={field}>
          {label}
          <input
            value={form[field]}
            onChange={(e) => set(field)(e.target.value)}
            {...(placeholder ? { placeholder } : {})}
            {...(testId ? { 'data-testid': testId } : {})}
          />
        </label>
      ))}
    </>
  );
}
