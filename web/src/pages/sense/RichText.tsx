// A translated sentence with [[name]] markers replaced by code snippets (topics, commands, paths).
import { Fragment } from 'react';

export function WithCode({ text, code }: { text: string; code: Record<string, string> }) {
  const parts = text.split(/\[\[(\w+)\]\]/);
  return (
    <>
      {parts.map((part, index) =>
        // Odd indexes are the captured marker names.
        index % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one sentence never move.
          <code key={index}>{code[part] ?? part}</code>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one sentence never move.
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}

/** Interpolation values that leave a [[name]] marker for WithCode to fill. */
export function markers<const Name extends string>(...names: Name[]): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, `[[${name}]]`])) as Record<Name, string>;
}
