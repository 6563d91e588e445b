/** Whether a statement's Action/NotAction covers the requested action (wildcards, case-insensitive). */
import { compileGlob, globMatch } from './wildcard.js';
import type { Element } from './policy-document.js';

/** "Action names are case insensitive"; "*" and "?" are wildcards ("s3:Get*", "s3:*", "*"). */
export function actionPatternMatches(pattern: string, action: string): boolean {
  return globMatch(compileGlob(pattern), action, true);
}

/** Action: the action matches one entry. NotAction: "matches everything except the specified list of actions". */
export function actionMatches(element: Element<readonly string[]>, action: string): boolean {
  const listed = element.value.some((p) => actionPatternMatches(p, action));
  return element.negated ? !listed : listed;
}
