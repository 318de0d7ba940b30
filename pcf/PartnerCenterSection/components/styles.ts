import { makeStyles, shorthands, tokens } from '@fluentui/react-components';

/** Fluent v9 tokens only, so the section follows the form's theme. */
export const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    fontFamily: tokens.fontFamilyBase,
    color: tokens.colorNeutralForeground1,
    minWidth: 0,
  },
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
  },
  badges: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalXS, rowGap: tokens.spacingVerticalXS },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(240px, 1fr))',
    columnGap: tokens.spacingHorizontalXL,
    rowGap: tokens.spacingVerticalL,
  },
  block: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS, minWidth: 0 },
  heading: {
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    fontWeight: tokens.fontWeightSemibold,
    ...shorthands.margin(0),
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    ...shorthands.margin(0),
  },
  term: { color: tokens.colorNeutralForeground2 },
  value: { ...shorthands.margin(0), overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground2 },
  list: {
    ...shorthands.margin(0),
    ...shorthands.padding(0),
    listStyleType: 'none',
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
  },
  audit: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXXS,
    ...shorthands.padding(tokens.spacingVerticalS, tokens.spacingHorizontalM),
    ...shorthands.borderLeft(tokens.strokeWidthThick, 'solid', tokens.colorNeutralStroke2),
    backgroundColor: tokens.colorNeutralBackground2,
    ...shorthands.borderRadius(tokens.borderRadiusMedium),
  },
  auditError: {
    ...shorthands.borderLeft(tokens.strokeWidthThick, 'solid', tokens.colorPaletteRedBorder2),
    backgroundColor: tokens.colorPaletteRedBackground1,
  },
  auditHead: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
  message: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  fix: { color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold },
  checks: { display: 'flex', flexDirection: 'column' },
});
