/**
 * @dualxda/llm-adapter (work in progress; see its issue).
 */
export const PACKAGE_NAME = '@dualxda/llm-adapter';
