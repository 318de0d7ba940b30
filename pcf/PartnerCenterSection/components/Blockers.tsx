import * as React from 'react';
import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { CoSellCheck } from '../model/blockers';
import type { Translate } from '../model/strings';
import { useStyles } from './styles';

/** What Partner Center will reject (a warning), and what could not be checked yet (information). */
export function Blockers({ check, t }: { readonly check: CoSellCheck; readonly t: Translate }): React.ReactElement | null {
  const styles = useStyles();
  if (check.blockers.length === 0 && check.unchecked.length === 0) return null;
  return (
    <>
      {check.blockers.length > 0 ? (
        <MessageBar intent="warning" layout="multiline" data-testid="blockers">
          <MessageBarBody>
            <MessageBarTitle>{t('Blockers_Title')}</MessageBarTitle>
            <ul className={styles.list}>
              {check.blockers.map((key) => (
                <li key={key} data-blocker={key}>
                  {t(key)}
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {check.unchecked.length > 0 ? (
        <MessageBar intent="info" layout="multiline" data-testid="unchecked">
          <MessageBarBody>
            <MessageBarTitle>{t('Blockers_Unchecked_Title')}</MessageBarTitle>
            <ul className={styles.list}>
              {check.unchecked.map((key) => (
                <li key={key} data-unchecked={key}>
                  {t(key)}
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      ) : null}
    </>
  );
}
