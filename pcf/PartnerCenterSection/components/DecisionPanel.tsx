import * as React from 'react';
import { Button, Dropdown, Field, Option, Text, useId } from '@fluentui/react-components';
import type { DecisionView } from '../model/decision';
import type { OptionInfo } from '../model/status';
import type { Translate } from '../model/strings';
import { useStyles } from './styles';

export interface DecisionPanelProps {
  readonly view: DecisionView;
  readonly reasons: readonly OptionInfo[];
  readonly editable: boolean;
  readonly locale: string;
  readonly t: Translate;
  /** Accept: the Accept option; decline: the Decline option and the reason's option value. */
  readonly onDecide: (decision: number, declineReason?: number) => void;
}

/**
 * The seller's answer to a referral shared with us: its deadline, what accepting shares, and Accept / Decline (with a
 * reason). The buttons only set the Decision columns; the decision flow sends them to Partner Center.
 */
export function DecisionPanel({ view, reasons, editable, locale, t, onDecide }: DecisionPanelProps): React.ReactElement | null {
  const styles = useStyles();
  const heading = useId('pcs-decision');
  const [reason, setReason] = React.useState<number | undefined>(undefined);
  if (view.kind === 'none') return null;
  if (view.kind === 'sent') {
    return (
      <section className={styles.block} aria-labelledby={heading}>
        <Text as="h3" id={heading} className={styles.heading}>
          {t('Decision_Label')}
        </Text>
        <Text>{t('Decision_Sent', view.decision)}</Text>
      </section>
    );
  }
  const date = view.respondBy ? view.respondBy.toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric' }) : null;
  const deadline = view.expired
    ? t('Decision_Expired', date ?? '—')
    : date
      ? t('Decision_RespondBy', date, view.daysLeft ?? 0)
      : t('Decision_NoDeadline');
  const open = editable && !view.expired;
  return (
    <section className={styles.block} aria-labelledby={heading} data-testid="decision-panel">
      <Text as="h3" id={heading} className={styles.heading}>
        {t('Decision_Label')}
      </Text>
      <Text weight="semibold">{deadline}</Text>
      <Text className={styles.muted}>{t('Decision_Shares')}</Text>
      <div className={styles.header}>
        <Button appearance="primary" disabled={!open} onClick={() => onDecide(view.accept)}>
          {t('Decision_Accept')}
        </Button>
        <Field label={t('Property_DeclineReason')}>
          <Dropdown
            placeholder={t('Decision_ReasonPlaceholder')}
            disabled={!open}
            selectedOptions={reason === undefined ? [] : [String(reason)]}
            onOptionSelect={(_event, data) => setReason(data.optionValue === undefined ? undefined : Number(data.optionValue))}
          >
            {reasons.map((option) => (
              <Option key={option.value} value={String(option.value)}>
                {option.label}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Button disabled={!open || reason === undefined} onClick={() => reason !== undefined && onDecide(view.decline, reason)}>
          {t('Decision_Decline')}
        </Button>
      </div>
    </section>
  );
}
