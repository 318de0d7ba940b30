import * as React from 'react';
import { Badge, Button, mergeClasses, Text, useId } from '@fluentui/react-components';
import { formatAuditTime, parseAudit } from '../model/audit';
import type { Translate } from '../model/strings';
import { useStyles } from './styles';

/** Entries shown before "show older". */
export const AUDIT_PAGE = 5;

export interface AuditListProps {
  readonly audit: string | null;
  readonly locale: string;
  readonly offsetMinutes: number;
  readonly t: Translate;
}

/** The Audit column as a readable list: newest first, errors highlighted with the fix they suggest. */
export function AuditList({ audit, locale, offsetMinutes, t }: AuditListProps): React.ReactElement {
  const styles = useStyles();
  const headingId = useId('pcs-audit');
  const entries = React.useMemo(() => parseAudit(audit), [audit]);
  const [all, setAll] = React.useState(false);
  const shown = all ? entries : entries.slice(0, AUDIT_PAGE);
  return (
    <section className={styles.block} aria-labelledby={headingId}>
      <Text as="h3" id={headingId} className={styles.heading}>
        {t('Audit_Label')}
      </Text>
      {entries.length === 0 ? (
        <Text className={styles.muted}>{t('Audit_Empty')}</Text>
      ) : (
        <ol className={styles.list} aria-labelledby={headingId} data-testid="audit-list">
          {shown.map((entry, index) => (
            <li key={index} className={mergeClasses(styles.audit, entry.level === 'error' && styles.auditError)} data-level={entry.level}>
              <div className={styles.auditHead}>
                <Badge
                  appearance={entry.level === 'error' ? 'filled' : 'tint'}
                  color={entry.level === 'error' ? 'danger' : 'informative'}
                  shape="rounded"
                  size="small"
                >
                  {t(entry.level === 'error' ? 'Audit_Error' : 'Audit_Info')}
                </Badge>
                {entry.time ? (
                  <time dateTime={entry.time.toISOString()}>{formatAuditTime(entry.time, locale, offsetMinutes)}</time>
                ) : (
                  <Text className={styles.muted}>{t('Audit_NoTime')}</Text>
                )}
              </div>
              <Text className={styles.message}>
                <bdi>{entry.message}</bdi>
              </Text>
              {entry.fixes.length > 0 ? (
                <div>
                  <Text className={styles.fix}>{t('Audit_Fix')} </Text>
                  {entry.fixes.map((fix) => (
                    <Text key={fix} data-fix={fix}>
                      {t(fix)}{' '}
                    </Text>
                  ))}
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {!all && entries.length > AUDIT_PAGE ? (
        <div>
          <Button appearance="subtle" size="small" onClick={() => setAll(true)}>
            {t('Audit_More', entries.length - AUDIT_PAGE)}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
