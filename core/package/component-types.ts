/** Root component type codes (solutioncomponent.componenttype; solution-format §1.3.1). Static platform codes. */
export const ComponentType = {
  Entity: 1,
  Attribute: 2,
  OptionSet: 9,
  Relationship: 10,
  Workflow: 29,
  SystemForm: 60,
  WebResource: 61,
  CustomControl: 66,
} as const;

/** RootComponent behavior: 0 include subcomponents, 1 do not include subcomponents, 2 shell only. */
export const RootBehavior = { IncludeSubcomponents: 0, ExcludeSubcomponents: 1, Shell: 2 } as const;

/** environmentvariabledefinition.type option values (solution-format §1.5; E5 confirms the first three). */
export const EnvironmentVariableTypeCode = {
  String: 100000000,
  Number: 100000001,
  Boolean: 100000002,
  JSON: 100000003,
  DataSource: 100000004,
  Secret: 100000005,
} as const;
