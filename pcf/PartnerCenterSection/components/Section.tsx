import * as React from 'react';
import { FluentProvider, Text, webLightTheme, type Theme } from '@fluentui/react-components';
import type { SectionData } from '../data';
import { coSellCheck, type Loaded } from '../model/blockers';
import type { FormChanges, FormState } from '../model/form';
import { statusBadges } from '../model/status';
import type { Translate } from '../model/strings';
import { decisionView } from '../model/decision';
import { AuditList } from './AuditList';
import { DecisionPanel } from './DecisionPanel';
import { Blockers } from './Blockers';
import { HelpChoices } from './HelpChoices';
import { ReferralFacts } from './ReferralFacts';
import { SectionHeader } from './SectionHeader';
import { SolutionsList } from './SolutionsList';
import { useStyles } from './styles';

export interface SectionProps {
  readonly form: FormState;
  readonly t: Translate;
  readonly data: SectionData;
  readonly onChange: (changes: FormChanges) => void;
  /** The form's Fluent v9 theme (`context.fluentDesignLanguage.tokenTheme`); the web light theme otherwise. */
  readonly theme?: Partial<Theme>;
  /** The clock for the referral's days left (tests pin it). */
  readonly now?: () => Date;
}

/**
 * Loads a value for a key (none without a key); a failure is a state, not an exception. `load` must keep its
 * identity between renders (useCallback), or every render loads again. A result counts only for the key and
 * reload it was loaded for, so a new key or a refresh shows loading until its own answer arrives.
 */
function useLoaded<T>(load: (key: string) => Promise<T>, key: string | null, reload = 0): Loaded<T> {
  const [result, setResult] = React.useState<{ key: string; reload: number; loaded: Loaded<T> } | undefined>(undefined);
  React.useEffect(() => {
    if (!key) return undefined;
    let live = true;
    Promise.resolve()
      .then(() => load(key))
      .then(
        (value) => {
          if (live) setResult({ key, reload, loaded: { state: 'ready', value } });
        },
        () => {
          if (live) setResult({ key, reload, loaded: { state: 'error' } });
        },
      );
    return () => {
      live = false;
    };
  }, [load, key, reload]);
  if (!key) return { state: 'none' };
  return result?.key === key && result.reload === reload ? result.loaded : { state: 'loading' };
}

/** A value the user changes here, shown at once and replaced when the form sends a new one. */
function useEdited<T>(fromForm: T, same: (a: T, b: T) => boolean = Object.is): [T, (value: T) => void] {
  const [value, setValue] = React.useState(fromForm);
  const [last, setLast] = React.useState(fromForm);
  if (!same(last, fromForm)) {
    setLast(fromForm);
    if (!same(value, fromForm)) setValue(fromForm);
  }
  return [value, setValue];
}

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((item, index) => item === b[index]);

/** The "Microsoft Partner Center" section: the co-sell state at a glance, and what blocks it. */
export function Section({ form, t, data, onChange, theme, now = () => new Date() }: SectionProps): React.ReactElement {
  const styles = useStyles();
  const [sync, setSync] = useEdited(form.sync);
  const [visibility, setVisibility] = useEdited(form.visibility);
  const [help, setHelp] = useEdited<readonly number[]>(form.help, sameNumbers);
  const [decision, setDecision] = useEdited(form.decision);
  const [reload, setReload] = React.useState(0);
  const loadSolutions = React.useCallback((id: string) => data.solutions(id), [data]);
  const loadCountryCode = React.useCallback((id: string) => data.countryCode(id), [data]);
  const solutions = useLoaded(loadSolutions, form.opportunityId, reload);
  const countryCode = useLoaded(loadCountryCode, form.accountId);
  const check = coSellCheck({ accountId: form.accountId, countryCode, solutions, contactId: form.contactId, help });
  const access = form.access;
  const canEdit = (name: keyof FormState['access']): boolean => !form.disabled && access[name].editable && access[name].readable;

  const secured = <Text className={styles.muted}>{t('Field_Secured')}</Text>;
  return (
    <FluentProvider theme={theme ?? webLightTheme} dir="ltr">
      <div className={styles.root} lang={form.locale} data-testid="partner-center-section">
        <SectionHeader
          sync={sync}
          readable={access.SyncWithPartnerCenter.readable}
          editable={canEdit('SyncWithPartnerCenter')}
          badges={statusBadges({ ...form, sync }, t)}
          secured={secured}
          t={t}
          onSyncChange={(checked) => {
            setSync(checked);
            onChange({ sync: checked });
          }}
        />

        {sync ? <Blockers check={check} t={t} /> : null}

        <DecisionPanel
          view={decisionView({ ...form, decision }, now())}
          reasons={form.declineReasonOptions}
          editable={canEdit('Decision') && canEdit('DeclineReason')}
          locale={form.locale}
          t={t}
          onDecide={(value, declineReason) => {
            setDecision(value);
            onChange(declineReason === undefined ? { decision: value } : { decision: value, declineReason });
          }}
        />

        <div className={styles.grid}>
          <ReferralFacts
            form={form}
            visibility={visibility}
            visibilityEditable={canEdit('ReferralVisibility')}
            secured={secured}
            t={t}
            onVisibilityChange={(checked) => {
              setVisibility(checked);
              onChange({ visibility: checked });
            }}
          />

          <HelpChoices
            options={form.helpOptions}
            selected={help}
            readable={access.HowCanMicrosoftHelp.readable}
            disabled={!canEdit('HowCanMicrosoftHelp')}
            t={t}
            onChange={(next) => {
              setHelp(next);
              onChange({ help: next });
            }}
          />

          <SolutionsList solutions={solutions} t={t} onRefresh={() => setReload((value) => value + 1)} />
        </div>

        {access.Audit.readable ? <AuditList audit={form.audit} locale={form.locale} offsetMinutes={form.offsetMinutes} t={t} /> : secured}
      </div>
    </FluentProvider>
  );
}
