import { useState, type FormEvent, type ReactNode } from 'react';

/** A checkbox with its sentence, for the forms (the hint shows on hover). */
export function Check({
  checked,
  onChange,
  testId,
  hint,
  children,
}: {
  checked: boolean;
  onChange(checked: boolean): void;
  testId?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <label className="check" {...(hint ? { title: hint } : {})}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        {...(testId ? { 'data-testid': testId } : {})}
      />{' '}
      {children}
    </label>
  );
}

/** Runs a studio call for a form: shows its error in the form and keeps the form open on failure. */
export function useSubmit(onDone: () => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (run: () => Promise<unknown>) => (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    run().then(
      () => {
        setBusy(false);
        onDone();
      },
      (err: Error) => {
        setBusy(false);
        setError(err.message);
      },
    );
  };
  return { error, busy, submit };
}
