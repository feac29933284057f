/**
 * @dualxda/xda (work in progress; see its issue).
 */
export const PACKAGE_NAME = '@dualxda/xda';
