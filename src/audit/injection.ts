/**
 * Configuration-injection variables (audit rule ES010): the table and its matcher live in `src/doctor/injection.ts`,
 * so `envseal doctor` and the auditor report the same variables the same way.
 * @module
 */
export { INJECTION_RULES, injectionVariables, type InjectionHit, type InjectionRule } from "../doctor/injection.js";
