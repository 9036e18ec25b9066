import type { ComponentChildren } from 'preact';
import { onLinkClick } from '../router.ts';

export function Link(props: { href: string; children: ComponentChildren; class?: string; current?: boolean }) {
  return (
    <a
      href={props.href}
      class={props.class}
      onClick={onLinkClick}
      {...(props.current ? { 'aria-current': 'page' as const } : {})}
    >
      {props.children}
    </a>
  );
}
