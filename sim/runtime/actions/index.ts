/** The executor of each action type (lower-case `type`), by family. */
import { childFlow, connector } from './calls.js';
import type { Executor } from './context.js';
import { condition, scope, switchCases, terminate, wait } from './control.js';
import { compose, join, parseJson, query, select } from './data.js';
import { http, respond } from './http.js';
import { foreach, until } from './loops.js';
import { initializeVariable, updateVariable } from './variables.js';

export type { ActionCall, RunContext } from './context.js';

export const EXECUTORS: ReadonlyMap<string, Executor> = new Map<string, Executor>([
  ['compose', compose],
  ['parsejson', parseJson],
  ['query', query],
  ['select', select],
  ['join', join],
  ['initializevariable', initializeVariable],
  ['setvariable', updateVariable],
  ['incrementvariable', updateVariable],
  ['decrementvariable', updateVariable],
  ['appendtoarrayvariable', updateVariable],
  ['appendtostringvariable', updateVariable],
  ['scope', scope],
  ['if', condition],
  ['switch', switchCases],
  ['foreach', foreach],
  ['until', until],
  ['terminate', terminate],
  ['wait', wait],
  ['response', respond],
  ['http', http],
  ['workflow', childFlow],
  ['openapiconnection', connector],
  // A webhook action (e.g. "Wait for an approval") is one call the router answers when the event happens.
  ['openapiconnectionwebhook', connector],
]);
