// Types of eslint.config.js for the test that checks the allow-list against docs/ARCHITECTURE.md.
export declare const SHARED_PACKAGES: string[];
declare const config: unknown;
export default config;
