/**
 * @dualxda/tools (work in progress; see its issue).
 */
export const PACKAGE_NAME = '@dualxda/tools';
