import { braced } from '../../solution/ids.js';
import type { CustomTable, View } from '../../solution/model.js';
import { sortedBy } from '../../core/package/order.js';
import type { XMLBuilder } from '../../core/xml/xml.js';
import { INTRODUCED_VERSION, elements, labelList } from './xml-parts.js';

const COLUMN_WIDTH = 200;

/**
 * `<SavedQueries>` of a custom table, as AIB exports them: layoutxml (the grid) and fetchxml (the
 * query) per view, ordered by id (the order `pack` restores).
 */
export function savedQueries(parent: XMLBuilder, table: CustomTable): void {
  const list = parent.ele('SavedQueries').ele('savedqueries');
  for (const view of sortedBy(table.views, (item) => braced(item.id))) savedQuery(list, table, view);
}

function savedQuery(parent: XMLBuilder, table: CustomTable, view: View): void {
  const primaryKey = `${table.logicalName}id`;
  const query = parent.ele('savedquery');
  elements(query, [
    ['IsCustomizable', '1'],
    ['CanBeDeleted', '0'],
    ['isquickfindquery', view.quickFindColumns ? '1' : '0'],
    ['isprivate', '0'],
    ['isdefault', view.isDefault ? '1' : '0'],
    ['savedqueryid', braced(view.id)],
  ]);
  const grid = query
    .ele('layoutxml')
    .ele('grid', { name: 'resultset', jump: view.columns[0] ?? primaryKey, select: '1', icon: '1', preview: '1' });
  const row = grid.ele('row', { name: 'result', id: primaryKey });
  for (const column of view.columns) row.ele('cell', { name: column, width: String(COLUMN_WIDTH) });
  query.ele('querytype').txt(String(view.queryType));
  const entity = query.ele('fetchxml').ele('fetch', { version: '1.0', mapping: 'logical' }).ele('entity', { name: table.logicalName });
  entity.ele('attribute', { name: primaryKey });
  for (const column of view.columns) entity.ele('attribute', { name: column });
  if (view.columns[0]) entity.ele('order', { attribute: view.columns[0], descending: 'false' });
  entity.ele('filter', { type: 'and' }).ele('condition', { attribute: 'statecode', operator: 'eq', value: String(view.stateCode) });
  if (view.quickFindColumns) {
    const find = entity.ele('filter', { type: 'or', isquickfindfields: '1' });
    for (const column of view.quickFindColumns) find.ele('condition', { attribute: column, operator: 'like', value: '{0}' });
  }
  query.ele('IntroducedVersion').txt(INTRODUCED_VERSION);
  labelList(query, 'LocalizedNames', 'LocalizedName', view.label);
}
