import * as React from 'react';
import { Link, Switch, Text, useId } from '@fluentui/react-components';
import type { FormState } from '../model/form';
import { referralHref } from '../model/link';
import type { Translate } from '../model/strings';
import { useStyles } from './styles';

export interface ReferralFactsProps {
  readonly form: FormState;
  readonly visibility: boolean;
  readonly visibilityEditable: boolean;
  readonly secured: React.ReactElement;
  readonly t: Translate;
  readonly onVisibilityChange: (checked: boolean) => void;
}

/** The referral's identifier, link and Microsoft CRM id, and its visibility switch. */
export function ReferralFacts({
  form,
  visibility,
  visibilityEditable,
  secured,
  t,
  onVisibilityChange,
}: ReferralFactsProps): React.ReactElement {
  const styles = useStyles();
  const heading = useId('pcs-referral');
  const access = form.access;
  const href = referralHref(form.referralLink, form.referralId);
  const muted = (text: string): React.ReactElement => <span className={styles.muted}>{text}</span>;
  return (
    <section className={styles.block} aria-labelledby={heading}>
      <Text as="h3" id={heading} className={styles.heading}>
        {t('Referral_Label')}
      </Text>
      <dl className={styles.facts}>
        <dt className={styles.term}>{t('Property_ReferralIdentifier')}</dt>
        <dd className={styles.value}>
          {!access.ReferralIdentifier.readable ? secured : form.referralId ? <bdi>{form.referralId}</bdi> : muted(t('Referral_None'))}
        </dd>
        <dt className={styles.term}>{t('Property_ReferralLink')}</dt>
        <dd className={styles.value}>
          {!access.ReferralLink.readable ? (
            secured
          ) : href ? (
            <Link href={href} target="_blank" rel="noopener noreferrer">
              {t('Referral_Open', form.referralId ?? '')}
            </Link>
          ) : (
            muted(t('Referral_NoLink'))
          )}
        </dd>
        <dt className={styles.term}>{t('MicrosoftCrm_Label')}</dt>
        <dd className={styles.value}>
          {!access.MicrosoftCrmIdentifier.readable ? (
            secured
          ) : form.microsoftCrmId ? (
            <bdi>{form.microsoftCrmId}</bdi>
          ) : (
            muted(t('MicrosoftCrm_Pending'))
          )}
        </dd>
      </dl>
      {access.ReferralVisibility.readable ? (
        <Switch
          label={t('Visibility_Label')}
          checked={visibility}
          disabled={!visibilityEditable}
          onChange={(_event, state) => onVisibilityChange(state.checked)}
        />
      ) : null}
    </section>
  );
}
