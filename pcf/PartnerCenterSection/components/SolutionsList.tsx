import * as React from 'react';
import { Button, Spinner, Text, useId } from '@fluentui/react-components';
import type { Loaded, SolutionRow } from '../model/blockers';
import type { Translate } from '../model/strings';
import { useStyles } from './styles';

/** The opportunity's Partner Center solutions (read-only: they are added in the solutions grid). */
export function SolutionsList({
  solutions,
  t,
  onRefresh,
}: {
  readonly solutions: Loaded<readonly SolutionRow[]>;
  readonly t: Translate;
  readonly onRefresh: () => void;
}): React.ReactElement {
  const styles = useStyles();
  const headingId = useId('pcs-solutions');
  let body: React.ReactNode;
  switch (solutions.state) {
    case 'none':
      body = <Text className={styles.muted}>{t('Solutions_NewRecord')}</Text>;
      break;
    case 'loading':
      body = <Spinner size="tiny" label={t('Solutions_Loading')} />;
      break;
    case 'error':
      body = <Text className={styles.muted}>{t('Solutions_Error')}</Text>;
      break;
    case 'ready':
      body =
        solutions.value.length === 0 ? (
          <Text className={styles.muted}>{t('Solutions_None')}</Text>
        ) : (
          <ul className={styles.list} aria-labelledby={headingId}>
            {solutions.value.map((solution, index) => (
              <li key={`${solution.id}-${index}`}>
                <Text>
                  <bdi>{solution.name}</bdi>
                </Text>
                {solution.identifier ? (
                  <Text className={styles.muted}>
                    {' ('}
                    <bdi>{solution.identifier}</bdi>)
                  </Text>
                ) : null}
              </li>
            ))}
          </ul>
        );
      break;
  }
  return (
    <section className={styles.block} aria-labelledby={headingId}>
      <Text as="h3" id={headingId} className={styles.heading}>
        {t('Solutions_Label')}
      </Text>
      {body}
      {solutions.state === 'ready' || solutions.state === 'error' ? (
        <div>
          <Button appearance="subtle" size="small" onClick={onRefresh}>
            {t('Solutions_Refresh')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
