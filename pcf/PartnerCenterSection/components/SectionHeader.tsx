import * as React from 'react';
import { Badge, Switch } from '@fluentui/react-components';
import type { StatusView } from '../model/status';
import type { Translate } from '../model/strings';
import { useStyles } from './styles';

export interface SectionHeaderProps {
  readonly sync: boolean;
  /** False when field security hides the Sync column from this user. */
  readonly readable: boolean;
  readonly editable: boolean;
  readonly badges: readonly StatusView[];
  readonly secured: React.ReactElement;
  readonly t: Translate;
  readonly onSyncChange: (checked: boolean) => void;
}

/** The sync switch and the referral's status badges. */
export function SectionHeader({ sync, readable, editable, badges, secured, t, onSyncChange }: SectionHeaderProps): React.ReactElement {
  const styles = useStyles();
  return (
    <div className={styles.header}>
      {readable ? (
        <Switch label={t('Sync_Label')} checked={sync} disabled={!editable} onChange={(_event, state) => onSyncChange(state.checked)} />
      ) : (
        secured
      )}
      <div className={styles.badges} role="status" aria-label={t('Status_Label')}>
        {badges.map((item, index) => (
          <Badge key={index} appearance={item.known ? 'filled' : 'outline'} color={item.color} shape="rounded" data-known={item.known}>
            {item.label}
          </Badge>
        ))}
      </div>
    </div>
  );
}
