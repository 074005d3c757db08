// The function registry follows the store's change feed: a function written by another writer
// (another control plane over the same store) is known, changed and forgotten without going
// through this registry, and its subscribers (the runtime) hear of each change.
import { describe, it, expect } from 'vitest';
import { SqliteConfigStore } from '../../../src/store/sqlite/sqlite-config-store.js';
import { FunctionRegistry } from '../../../src/functions/registry.js';
import { functionRecord } from '../../helpers/store-records.js';

describe('FunctionRegistry on the change feed', () => {
  it('follows functions written by another writer, and tells its subscribers', async () => {
    const store = new SqliteConfigStore(':memory:');
    store.functions.createFunction(functionRecord('early'));
    const registry = new FunctionRegistry(store.functions, store, 'us-east-1', '000000000000');
    await registry.load();
    const heard: string[] = [];
    registry.subscribe((name) => heard.push(name));
    expect(registry.list().map((f) => f.name)).toEqual(['early']);

    store.functions.createFunction(functionRecord('other'));
    store.functions.updateFunction('early', (f) => (f.latest.Description = 'changed elsewhere'));
    store.functions.deleteFunction('other');
    await registry.catchUp();
    expect(registry.get('early')?.latest.Description).toBe('changed elsewhere');
    expect(registry.get('other')).toBeUndefined();
    expect(heard).toEqual(['other', 'early', 'other']);

    // A declared (--functions) function lives in memory; a stored one of the same name does not replace it.
    registry.declare(functionRecord('declared'));
    store.functions.createFunction(functionRecord('declared'));
    await registry.catchUp();
    expect(registry.get('declared')?.declared).toBe(true);
    registry.close();
    store.close();
  });
});
