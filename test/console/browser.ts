/** The console suites' browser helpers live in support/ (bench:console uses them too); not a test file itself. */
export * from '../../support/console-browser.js';
