// ImportApiKeys (`POST /apikeys?mode=import&format=csv`): API keys from AWS's CSV file format,
// each optionally joined to usage plans, written in one store transaction.
// https://docs.aws.amazon.com/apigateway/latest/api/API_ImportApiKeys.html and the file format,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-key-file-format.html:
// `Name` and `Key` columns required, headers case-insensitive and in any order, optional
// `Description`, `Enabled` (default true) and `UsagePlanIds` (several in one quoted field),
// other columns ignored; a key whose value already exists overwrites that key.
// Warning texts are unverified (AWS documents no wording); a row with a warning is skipped.
import { badRequest } from '../../aws/errors.js';
import type { ApiKeyRecord, UsagePlanKeyLink } from '../../model/usage-plans.js';
import type { OperationDefinition } from '../route-table.js';
import { keysByValue, nameProblem, newApiKeyRecord, unusedApiKeyId, valueProblem } from './api-keys.js';
import type { ApiGatewayContext } from './context.js';
import { enumError, throwIfErrors } from './validation.js';

const FORMATS: readonly string[] = ['csv'];

/** CSV records: commas between fields, fields quoted with `"` or `'` (a doubled quote inside is one), blank lines skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quote: string | undefined;
  let quoted = false;
  const endField = () => {
    row.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRow = () => {
    endField();
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c !== quote) field += c;
      else if (text[i + 1] === quote) field += text[++i];
      else quote = undefined;
    } else if ((c === '"' || c === "'") && field.trim() === '') {
      quote = c;
      quoted = true;
      field = '';
    } else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c !== '\r') field += c;
  }
  endRow();
  return rows;
}

export interface ImportedKeys {
  keys: ApiKeyRecord[];
  links: UsagePlanKeyLink[];
  warnings: string[];
}

/** Reads the file against the keys and plans that exist; nothing is written. */
export async function readApiKeyFile(ctx: ApiGatewayContext, text: string): Promise<ImportedKeys> {
  const [header, ...records] = parseCsv(text);
  const columns = (header ?? []).map((name) => name.toLowerCase());
  const column = (row: string[], name: string): string | undefined => {
    const at = columns.indexOf(name);
    return at < 0 ? undefined : row[at];
  };
  if (!columns.includes('name') || !columns.includes('key')) {
    throw badRequest('Invalid API key file: the Name and Key columns are required'); // unverified
  }
  const existing = keysByValue(await ctx.store.listApiKeys(), ctx.secrets);
  const planIds = new Set((await ctx.store.listUsagePlans()).map((plan) => plan.id));
  const out: ImportedKeys = { keys: [], links: [], warnings: [] };
  const seen = new Map<string, ApiKeyRecord>();
  records.forEach((row, index) => {
    const line = index + 2;
    const value = column(row, 'key') ?? '';
    const name = column(row, 'name') ?? '';
    const enabledText = (column(row, 'enabled') ?? '').toLowerCase();
    const problem = valueProblem(value) ?? nameProblem(name)
      ?? (['', 'true', 'false'].includes(enabledText) ? undefined : `Invalid Enabled value '${enabledText}'`);
    if (problem !== undefined) {
      out.warnings.push(`Line ${line}: ${problem}`);
      return;
    }
    // The most recent row for a value wins, keeping the id of the key that already has it.
    const previous = seen.get(value) ?? existing.get(value);
    const record = newApiKeyRecord({
      name, description: column(row, 'description'), enabled: enabledText !== 'false', value,
    }, ctx.secrets, previous?.id ?? unusedApiKeyId([...existing.values(), ...out.keys]));
    if (previous !== undefined) record.createdDate = previous.createdDate;
    out.keys = out.keys.filter((key) => key.id !== record.id);
    out.keys.push(record);
    seen.set(value, record);
    for (const usagePlanId of (column(row, 'usageplanids') ?? '').split(',').map((id) => id.trim()).filter(Boolean)) {
      if (planIds.has(usagePlanId)) out.links.push({ usagePlanId, keyId: record.id });
      else out.warnings.push(`Line ${line}: Invalid usage plan ID specified: ${usagePlanId}`);
    }
  });
  return out;
}

export function apiKeyImportOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'ImportApiKeys',
      method: 'POST',
      uri: '/apikeys',
      query: { mode: 'import' },
      rawBody: true,
      handler: async ({ query, rawBody }) => {
        const format = query.get('format');
        if (format === null || !FORMATS.includes(format)) throwIfErrors([enumError(format, 'format', FORMATS)]); // unverified field name
        const imported = await readApiKeyFile(ctx, rawBody.toString('utf8'));
        // With failonwarnings nothing is imported; the warnings are the message (as ImportRestApi words it, unverified here).
        if (query.get('failonwarnings') === 'true' && imported.warnings.length > 0) {
          throw badRequest(`Warnings found during import:\n\t${imported.warnings.join('\n\t')}`);
        }
        await ctx.store.putApiKeys(imported.keys, imported.links);
        const body: Record<string, unknown> = { ids: imported.keys.map((key) => key.id) };
        if (imported.warnings.length > 0) body.warnings = imported.warnings;
        return { statusCode: 201, body };
      },
    },
  ];
}
