/**
 * Minimal typings for the parts of React 19 this app uses. The workspace has react and react-dom
 * installed but not @types/react / @types/react-dom; once those are added (root devDependencies),
 * delete this file. Kept strict: no `any`, event handlers typed by the element they sit on.
 */
declare module 'react' {
  export type Key = string | number;
  export interface ReactElement {
    readonly type: unknown;
    readonly props: unknown;
    readonly key: string | null;
  }
  export type ReactNode = ReactElement | string | number | bigint | boolean | null | undefined | Iterable<ReactNode>;
  export type SetStateAction<S> = S | ((prev: S) => S);
  export type Dispatch<A> = (value: A) => void;
  export interface RefObject<T> {
    current: T;
  }
  export function useState<S>(initial: S | (() => S)): [S, Dispatch<SetStateAction<S>>];
  export function useEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
  export function useLayoutEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
  export function useMemo<T>(factory: () => T, deps: readonly unknown[]): T;
  export function useRef<T>(initial: T): RefObject<T>;
  export function useSyncExternalStore<T>(subscribe: (onChange: () => void) => () => void, getSnapshot: () => T): T;
  export function StrictMode(props: { children?: ReactNode }): ReactElement;
  export interface CSSProperties {
    [property: string]: string | number | undefined;
  }
  /** React's synthetic event, narrowed to what handlers here read. */
  export interface SyntheticEvent<T> {
    readonly currentTarget: T;
    readonly target: EventTarget | null;
    preventDefault(): void;
    stopPropagation(): void;
  }
  export interface MouseEvent<T> extends SyntheticEvent<T> {
    readonly button: number;
    readonly ctrlKey: boolean;
    readonly metaKey: boolean;
  }
  export interface KeyboardEvent<T> extends SyntheticEvent<T> {
    readonly key: string;
  }
}

declare module 'react/jsx-runtime' {
  import type { CSSProperties, Key, KeyboardEvent, MouseEvent, ReactElement, ReactNode, RefObject, SyntheticEvent } from 'react';
  /** Attributes and handlers accepted on every intrinsic element used here. */
  interface DomProps<T> {
    key?: Key | null;
    children?: ReactNode;
    className?: string;
    style?: CSSProperties;
    id?: string;
    title?: string;
    role?: string;
    tabIndex?: number;
    ref?: RefObject<T | null> | ((el: T | null) => void);
    onClick?: (e: MouseEvent<T>) => void;
    onMouseEnter?: (e: MouseEvent<T>) => void;
    onMouseLeave?: (e: MouseEvent<T>) => void;
    onKeyDown?: (e: KeyboardEvent<T>) => void;
    onScroll?: (e: SyntheticEvent<T>) => void;
    onChange?: (e: SyntheticEvent<T>) => void;
    onInput?: (e: SyntheticEvent<T>) => void;
    onSubmit?: (e: SyntheticEvent<T>) => void;
    [attribute: `data-${string}` | `aria-${string}`]: string | number | boolean | undefined;
  }
  interface InputProps extends DomProps<HTMLInputElement> {
    type?: string;
    value?: string | number;
    checked?: boolean;
    placeholder?: string;
    name?: string;
    autoFocus?: boolean;
  }
  interface SelectProps extends DomProps<HTMLSelectElement> {
    value?: string | number;
    name?: string;
  }
  interface OptionProps extends DomProps<HTMLOptionElement> {
    value?: string | number;
  }
  interface AnchorProps extends DomProps<HTMLAnchorElement> {
    href?: string;
  }
  interface LabelProps extends DomProps<HTMLLabelElement> {
    htmlFor?: string;
  }
  interface CellProps extends DomProps<HTMLTableCellElement> {
    colSpan?: number;
  }
  interface ButtonProps extends DomProps<HTMLButtonElement> {
    type?: 'button' | 'submit' | 'reset';
    disabled?: boolean;
  }
  export namespace JSX {
    type Element = ReactElement;
    type ElementType = string | ((props: never) => ReactNode);
    interface ElementChildrenAttribute {
      children: object;
    }
    interface IntrinsicAttributes {
      key?: Key | null;
    }
    interface IntrinsicElements {
      a: AnchorProps;
      input: InputProps;
      select: SelectProps;
      option: OptionProps;
      label: LabelProps;
      button: ButtonProps;
      td: CellProps;
      th: CellProps;
      div: DomProps<HTMLDivElement>;
      span: DomProps<HTMLSpanElement>;
      p: DomProps<HTMLParagraphElement>;
      h1: DomProps<HTMLHeadingElement>;
      h2: DomProps<HTMLHeadingElement>;
      h3: DomProps<HTMLHeadingElement>;
      header: DomProps<HTMLElement>;
      nav: DomProps<HTMLElement>;
      main: DomProps<HTMLElement>;
      section: DomProps<HTMLElement>;
      footer: DomProps<HTMLElement>;
      strong: DomProps<HTMLElement>;
      em: DomProps<HTMLElement>;
      code: DomProps<HTMLElement>;
      small: DomProps<HTMLElement>;
      ul: DomProps<HTMLUListElement>;
      li: DomProps<HTMLLIElement>;
      table: DomProps<HTMLTableElement>;
      thead: DomProps<HTMLTableSectionElement>;
      tbody: DomProps<HTMLTableSectionElement>;
      tr: DomProps<HTMLTableRowElement>;
      dl: DomProps<HTMLDListElement>;
      dt: DomProps<HTMLElement>;
      dd: DomProps<HTMLElement>;
    }
  }
  export function jsx(type: unknown, props: unknown, key?: Key): ReactElement;
  export function jsxs(type: unknown, props: unknown, key?: Key): ReactElement;
  export const Fragment: unique symbol;
}

declare module 'react-dom/client' {
  import type { ReactNode } from 'react';
  export interface Root {
    render(node: ReactNode): void;
    unmount(): void;
  }
  export function createRoot(container: Element): Root;
}
