/** runAfter: which action of a container runs next, whether its conditions hold, and which failures nobody handled. */
import { DefinitionError } from './errors.js';
import { allowedStatuses, isFailure, type Actions, type RunError, type Status } from './model.js';

/** The first pending action whose predecessors have all finished. */
export function nextReady(container: Actions, pending: string[], statuses: ReadonlyMap<string, Status>): string {
  const position = pending.findIndex((name) =>
    Object.keys(container[name]!.runAfter ?? {}).every((predecessor) => statuses.has(predecessor)),
  );
  if (position === -1) throw new DefinitionError(`runAfter cycle among ${pending.join(', ')}`);
  return pending.splice(position, 1)[0]!;
}

/** Why an action is skipped: the first predecessor that did not end in a status its runAfter lists. */
export function unmetRunAfter(container: Actions, name: string, statuses: ReadonlyMap<string, Status>): RunError | undefined {
  const unmet = Object.entries(container[name]!.runAfter ?? {}).find(
    ([predecessor, allowed]) => !allowedStatuses(allowed).includes(statuses.get(predecessor)!),
  );
  if (!unmet) return undefined;
  const [predecessor, allowed] = unmet;
  return {
    code: 'ActionSkipped',
    message:
      `The execution of template action '${name}' is skipped: the 'runAfter' condition for action '${predecessor}' is not satisfied. ` +
      `Expected status values '${allowedStatuses(allowed).join(', ')}' and actual value '${statuses.get(predecessor)}'.`,
  };
}

/** Actions that failed (or timed out) without an action that ran listing that status for them in its runAfter. */
export function unhandledFailures(container: Actions, statuses: ReadonlyMap<string, Status>, ran: ReadonlySet<string>): string[] {
  const names = Object.keys(container);
  return names.filter((name) => {
    const status = statuses.get(name);
    if (!isFailure(status)) return false;
    return !names.some(
      (other) =>
        ran.has(other) &&
        Object.prototype.hasOwnProperty.call(container[other]!.runAfter ?? {}, name) &&
        allowedStatuses(container[other]!.runAfter![name]).includes(status!),
    );
  });
}
