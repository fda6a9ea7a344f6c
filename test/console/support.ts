/** Helpers of the console suites (not a test file itself); staffUser lives in support/ (bench:console uses it). */
export { staffUser } from '../../support/staff.js';
