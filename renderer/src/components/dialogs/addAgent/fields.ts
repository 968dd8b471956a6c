import type { Dispatch } from 'react';
import type { AddAgentAction, AddAgentForm } from './addAgentForm.js';

/** A field's setter: `set('name')` is what its input's change calls. */
export type SetField = <K extends keyof AddAgentForm>(field: K) => (value: AddAgentForm[K]) => void;

export const fieldSetter =
  (dispatch: Dispatch<AddAgentAction>): SetField =>
  (field) =>
  (value) =>
    dispatch({ type: 'set', field, value } as AddAgentAction);

/** What every group of the dialog's fields gets: the form and how to change it. */
export interface FieldsProps {
  form: AddAgentForm;
  set: SetField;
}

/** The branch an agent's worktree is named after, as the dialog shows it before it exists. */
export const branchOf = (form: AddAgentForm) => `ccstudio/${form.name.trim() || 'NAME'}/work`;
