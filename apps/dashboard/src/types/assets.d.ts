/** Vite bundles CSS imported for side effects. */
declare module '*.css';
