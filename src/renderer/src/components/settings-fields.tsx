import { useId, useState, type ReactNode } from 'react';

/** A labelled field with its inline validation message, tied together for screen readers. */
export function Field(props: {
  label: string;
  error?: string;
  hint?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy =
    [props.error ? errorId : null, props.hint ? hintId : null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, describedBy, invalid: Boolean(props.error) })}
      {props.hint ? (
        <span id={hintId} className="field-hint">
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span id={errorId} className="field-error">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  error?: string;
  hint?: string;
  type?: 'text' | 'password' | 'url';
  placeholder?: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type={props.type ?? 'text'}
          value={props.value}
          placeholder={props.placeholder}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A number input; an empty box becomes NaN (or null when `nullable`), which validation names. */
export function NumberField(props: {
  label: string;
  value: number | null;
  error?: string;
  hint?: string;
  nullable?: boolean;
  onChange: (value: number | null) => void;
}) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type="number"
          inputMode="numeric"
          value={props.value == null || Number.isNaN(props.value) ? '' : String(props.value)}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => {
            const text = e.target.value.trim();
            props.onChange(text === '' ? (props.nullable ? null : Number.NaN) : Number(text));
          }}
        />
      )}
    </Field>
  );
}

export function CheckField(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="check-field">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span>{props.label}</span>
    </label>
  );
}

/** `value = target` lines for a status mapping; a line without `=` maps to "" (refused by name). */
export function mappingFromLines(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    const value = (at < 0 ? line : line.slice(0, at)).trim();
    out[value] = at < 0 ? '' : line.slice(at + 1).trim();
  }
  return { ...out };
}

export function linesFromMapping(mapping: Readonly<Record<string, string>>): string {
  return Object.entries(mapping)
    .map(([value, target]) => `${value} = ${target}`)
    .join('\n');
}

/** A status mapping edited as `value = target` lines (docs/operations.md, "Status mapping"). */
export function MappingField(props: {
  label: string;
  hint: string;
  value: Readonly<Record<string, string>>;
  error?: string;
  onChange: (value: Record<string, string>) => void;
}) {
  const [text, setText] = useState(() => linesFromMapping(props.value));
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          rows={3}
          value={text}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
            props.onChange(mappingFromLines(e.target.value));
          }}
        />
      )}
    </Field>
  );
}
