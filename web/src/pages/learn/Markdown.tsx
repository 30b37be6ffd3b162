// Renders a lesson's Markdown as React elements (never as HTML); links open in a new tab without an opener.
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { type Block, type Inline, parseMarkdown } from './markdown.ts';

function Inlines({ items }: { items: readonly Inline[] }) {
  const { t } = useTranslation();
  return (
    <>
      {items.map((item, index) => {
        const key = `${index}-${item.kind}`;
        switch (item.kind) {
          case 'text':
            return <Fragment key={key}>{item.text}</Fragment>;
          case 'strong':
            return (
              <strong key={key}>
                <Inlines items={item.children} />
              </strong>
            );
          case 'em':
            return (
              <em key={key}>
                <Inlines items={item.children} />
              </em>
            );
          case 'code':
            return <code key={key}>{item.text}</code>;
          case 'link':
            return (
              <a key={key} href={item.href} target="_blank" rel="noopener noreferrer">
                <Inlines items={item.children} />
                <span className="visually-hidden"> {t('learn.opensNewTab')}</span>
              </a>
            );
        }
        return null;
      })}
    </>
  );
}

/** `headingBase` is the level a `#` heading takes, so lessons fit under the page's own headings. */
export function Markdown({ text, headingBase = 3 }: { text: string; headingBase?: number }) {
  const blocks: Block[] = parseMarkdown(text);
  return (
    <div className="learn-markdown">
      {blocks.map((block, index) => {
        const key = `${index}-${block.kind}`;
        switch (block.kind) {
          case 'heading': {
            const level = Math.min(6, headingBase + block.level - 1);
            const Tag = `h${level}` as 'h3';
            return (
              <Tag key={key}>
                <Inlines items={block.children} />
              </Tag>
            );
          }
          case 'paragraph':
            return (
              <p key={key}>
                <Inlines items={block.children} />
              </p>
            );
          case 'list': {
            const Tag = block.ordered ? 'ol' : 'ul';
            return (
              <Tag key={key}>
                {block.items.map((item, n) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: items have no identity but their place.
                  <li key={n}>
                    <Inlines items={item} />
                  </li>
                ))}
              </Tag>
            );
          }
        }
        return null;
      })}
    </div>
  );
}
