/** JSON manipulation functions; they return updated copies and never change their input. xpath() is in xml.ts. */
import { cloneJson, expectObject, expectString, fail, type FunctionImpl } from './support.js';

export const MANIPULATION_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  addProperty: (values, call) => {
    const object = expectObject(call, values, 0);
    const property = expectString(call, values, 1);
    if (Object.prototype.hasOwnProperty.call(object, property)) {
      fail(
        `The template language function 'addProperty' cannot add the property '${property}': the object already has it. Use setProperty to change a property.`,
      );
    }
    return { ...cloneJson(object), [property]: cloneJson(values[2] ?? null) };
  },
  setProperty: (values, call) => {
    const object = expectObject(call, values, 0);
    const property = expectString(call, values, 1);
    return { ...cloneJson(object), [property]: cloneJson(values[2] ?? null) };
  },
  removeProperty: (values, call) => {
    const copy = cloneJson(expectObject(call, values, 0));
    delete copy[expectString(call, values, 1)];
    return copy;
  },
};
