/**
 * @dualxda/dashboard (work in progress; see its issue).
 */
export const PACKAGE_NAME = '@dualxda/dashboard';
