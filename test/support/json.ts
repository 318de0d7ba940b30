/**
 * A value parsed from JSON (an emulator's response body, a flow definition, a CLI's --json output) that a test
 * reads by the shape it asserts. It is typed as `JSON.parse` types its result, so reading a member needs no
 * cast; the expectations are what check the shape.
 */
export type Json = ReturnType<typeof JSON.parse>;
