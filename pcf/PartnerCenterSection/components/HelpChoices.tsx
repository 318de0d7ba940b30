import * as React from 'react';
import { Checkbox, Text, useId } from '@fluentui/react-components';
import { toggleHelp } from '../model/form';
import type { OptionInfo } from '../model/status';
import type { Translate } from '../model/strings';
import { useStyles } from './styles';

export interface HelpChoicesProps {
  readonly options: readonly OptionInfo[];
  readonly selected: readonly number[];
  readonly readable: boolean;
  readonly disabled: boolean;
  readonly t: Translate;
  readonly onChange: (selected: number[]) => void;
}

/** "How can Microsoft help?" as a labelled group of check boxes (one per choice option). */
export function HelpChoices({ options, selected, readable, disabled, t, onChange }: HelpChoicesProps): React.ReactElement {
  const styles = useStyles();
  const headingId = useId('pcs-help');
  return (
    <section className={styles.block} aria-labelledby={headingId}>
      <Text as="h3" id={headingId} className={styles.heading}>
        {t('Help_Label')}
      </Text>
      {!readable ? (
        <Text className={styles.muted}>{t('Field_Secured')}</Text>
      ) : options.length === 0 ? (
        <Text className={styles.muted}>{t('Help_None')}</Text>
      ) : (
        <div role="group" aria-labelledby={headingId} className={styles.checks}>
          {options.map((option) => (
            <Checkbox
              key={option.value}
              label={option.label}
              value={String(option.value)}
              checked={selected.includes(option.value)}
              disabled={disabled}
              onChange={(_event, data) => onChange(toggleHelp(selected, options, option.value, data.checked === true))}
            />
          ))}
        </div>
      )}
    </section>
  );
}
