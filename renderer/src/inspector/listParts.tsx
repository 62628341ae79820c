// The parts every list editor of the inspector shares (buttons, rules, branches, extractions, variants, form
// fields): an item framed with its title and its move and remove actions, and the list's add button, whose id
// (`<listId>-add`) RowActions gives the focus to when the last item is removed.
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { RowActions } from './controls';

type RowActionsProps = Parameters<typeof RowActions>[0];

/** One item of a list editor: a fieldset whose legend is its title and its row actions. */
export function ListItem({ title, children, ...actions }: RowActionsProps & { title: ReactNode; children: ReactNode }) {
  return (
    <fieldset className="insp-item">
      <legend>
        {title}
        <RowActions {...actions} />
      </legend>
      {children}
    </fieldset>
  );
}

/** A list editor's add button (`<listId>-add`). */
export function AddButton({ listId, ...props }: { listId: string } & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'id' | 'type' | 'className'>) {
  return <button type="button" id={`${listId}-add`} className="insp-add" {...props} />;
}
